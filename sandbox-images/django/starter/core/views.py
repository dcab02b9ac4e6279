from django.http import JsonResponse


def ping(_request):
    """Health check: GET /health/ answers {"ok": true}."""
    return JsonResponse({"ok": True})


def hello(_request):
    return JsonResponse({"hello": "world"})
