cat > core/api.py <<'PY'
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["GET"])
def ping(request):
    return Response({"pong": True})
PY
cat >> core/urls.py <<'PY'

from . import api  # noqa: E402

urlpatterns += [path("api/ping/", api.ping)]
PY
