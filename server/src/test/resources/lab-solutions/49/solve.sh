cat >> core/urls.py <<'PY'

from .signup import signup  # noqa: E402

urlpatterns += [path("signup/", signup)]
PY
python manage.py makemigrations core
