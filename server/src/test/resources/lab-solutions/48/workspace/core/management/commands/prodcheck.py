from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

A_YEAR = 31536000


class Command(BaseCommand):
    help = "Fails when the settings are not fit for production."

    def handle(self, *args, **options):
        problems = []
        if settings.DEBUG:
            problems.append("DEBUG is on")
        if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
            problems.append("ALLOWED_HOSTS is empty or '*'")
        if settings.SECURE_HSTS_SECONDS < A_YEAR:
            problems.append("HSTS is shorter than a year")
        if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
            problems.append("cookies are not secure")
        if not settings.DATABASES["default"].get("CONN_MAX_AGE", 0):
            problems.append("database connections are not kept (CONN_MAX_AGE is 0)")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write("ok")
