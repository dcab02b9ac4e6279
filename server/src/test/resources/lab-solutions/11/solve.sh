cat >> core/views.py <<'PY'


def hello_name(_request, name):
    return JsonResponse({"hello": name})
PY
cat >> core/urls.py <<'PY'

urlpatterns += [path("hello/<str:name>/", views.hello_name, name="hello-name")]
PY
