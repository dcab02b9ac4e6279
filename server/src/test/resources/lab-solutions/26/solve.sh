cat >> core/routing.py <<'PY'

from .upper import UpperConsumer  # noqa: E402

websocket_urlpatterns += [path("ws/upper/", UpperConsumer.as_asgi())]
PY
