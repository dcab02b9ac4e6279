python manage.py startapp blog
printf '\nINSTALLED_APPS += ["blog"]\n' >> config/settings.py
