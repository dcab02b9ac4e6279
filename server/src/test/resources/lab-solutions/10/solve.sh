cat >> core/views.py <<'PY'


async def user_count(_request):
    from asgiref.sync import sync_to_async
    from django.contrib.auth.models import User

    count = await sync_to_async(User.objects.count)()
    return JsonResponse({"count": count})
PY
cat >> core/urls.py <<'PY'

urlpatterns += [path("users/count/", views.user_count)]
PY
