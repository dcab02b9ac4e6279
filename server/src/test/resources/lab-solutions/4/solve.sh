cat >> core/views.py <<'PY'


def server(request):
    from django.core.handlers.asgi import ASGIRequest

    return JsonResponse({"asgi": isinstance(request, ASGIRequest)})
PY
cat >> core/urls.py <<'PY'

urlpatterns += [path("server/", views.server)]
PY
