from celery import shared_task
from django.core.mail import send_mail

from .models import User


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_email_task(self, user_id):
    user = User.objects.get(pk=user_id)
    send_mail("Welcome!", "Thanks for signing up.", "hello@example.com", [user.email])
    return user.email
