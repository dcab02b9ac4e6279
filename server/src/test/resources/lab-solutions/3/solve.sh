cat >> core/views.py <<'PY'


def echo(request):
    return JsonResponse({"method": request.method, "path": request.path})
PY
cat >> config/urls.py <<'PY'

from core.views import echo  # noqa: E402

urlpatterns += [path("echo/", echo)]
PY
