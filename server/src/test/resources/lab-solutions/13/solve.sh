cat >> core/urls.py <<'PY'

from .items import items  # noqa: E402

urlpatterns += [path("items/", items)]
PY
