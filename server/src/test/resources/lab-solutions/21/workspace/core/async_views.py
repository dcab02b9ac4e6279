import httpx
from django.conf import settings
from django.http import JsonResponse


async def joke(_):
    url = getattr(settings, "JOKE_API_URL", "https://api.example.com")
    try:
        async with httpx.AsyncClient(timeout=2) as c:
            r = await c.get(url)
            r.raise_for_status()
    except httpx.HTTPError:
        return JsonResponse({"error": "upstream unavailable"}, status=503)
    return JsonResponse(r.json())
