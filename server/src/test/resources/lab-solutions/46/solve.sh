cat >> core/urls.py <<'PY'

from .ready import ready  # noqa: E402

urlpatterns += [path("ready/", ready)]
PY
