cat >> core/urls.py <<'PY'

from .stats_api import stats  # noqa: E402

urlpatterns += [path("api/stats/", stats)]
PY
