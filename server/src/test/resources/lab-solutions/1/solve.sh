cat >> core/views.py <<'PY'


def version(_request):
    import django

    return JsonResponse({"django": django.get_version()})
PY
cat >> core/urls.py <<'PY'

urlpatterns += [path("version/", views.version)]
PY
