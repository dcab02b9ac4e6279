import json

from django.http import JsonResponse
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "POST"])
def items(request):
    if request.method == "GET":
        return JsonResponse({"items": []})
    try:
        item = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    if not isinstance(item, dict) or "name" not in item:
        return JsonResponse({"error": "a name is needed"}, status=400)
    return JsonResponse({"name": item["name"]}, status=201)
