cat >> config/settings.py <<'PY'

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "django.middleware.locale.LocaleMiddleware")
LANGUAGES = [("en", "English"), ("de", "German")]
PY
cat >> core/views.py <<'PY'


def greet(request):
    from django.shortcuts import render

    return render(request, "core/greet.html")
PY
cat >> core/urls.py <<'PY'

urlpatterns += [path("greet/", views.greet)]
PY
(cd core && django-admin makemessages -l de)
sed -i '/^msgid "Goodbye"$/{n;s/^msgstr ""$/msgstr "Auf Wiedersehen"/}' core/locale/de/LC_MESSAGES/django.po
(cd core && django-admin compilemessages)
