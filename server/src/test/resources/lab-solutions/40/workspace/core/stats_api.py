from django.contrib.auth.models import User
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["GET"])
def stats(request):
    return Response({"users": User.objects.count()})
