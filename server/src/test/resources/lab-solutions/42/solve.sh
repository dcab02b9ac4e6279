cat >> core/urls.py <<'PY'

from .reports_view import reports  # noqa: E402

urlpatterns += [path("reports/", reports)]
PY
