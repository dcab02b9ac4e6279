cat >> core/urls.py <<'PY'

from .async_views import joke  # noqa: E402

urlpatterns += [path("joke/", joke)]
PY
