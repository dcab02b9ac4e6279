from celery import shared_task


@shared_task(bind=True, max_retries=3)
def send_email_task(self, user_id):
    from django.core.mail import send_mail

    from .models import User

    email = User.objects.get(pk=user_id).email
    send_mail("Welcome!", "Thanks for signing up.", "hello@example.com", [email])
