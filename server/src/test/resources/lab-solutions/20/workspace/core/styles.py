from django.http import JsonResponse
from django.views import View
from django.views.decorators.http import require_GET


@require_GET
def function_style(request):
    return JsonResponse({"style": "function"})


class ClassStyle(View):
    def get(self, request):
        return JsonResponse({"style": "class"})
