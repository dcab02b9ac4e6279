from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import User
from .tasks import send_email_task


@csrf_exempt
@require_POST
def signup(request):
    user = User.objects.create(email=request.POST["email"])
    send_email_task.delay(user.pk)
    return JsonResponse({"id": user.pk}, status=202)
