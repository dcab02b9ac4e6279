sed -i 's/"django.middleware.security.SecurityMiddleware",/"core.middleware.QueryCountMiddleware",\n    "django.middleware.security.SecurityMiddleware",/' config/settings.py
