cat >> core/urls.py <<'PY'

from .styles import ClassStyle, function_style  # noqa: E402

urlpatterns += [path("fbv/", function_style), path("cbv/", ClassStyle.as_view())]
PY
