cat >> core/urls.py <<'PY'

from .user_views import UserList  # noqa: E402

urlpatterns += [path("users/", UserList.as_view())]
PY
