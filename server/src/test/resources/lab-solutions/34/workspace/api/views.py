from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from core.models import User


class UserSer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email"]


class UserView(viewsets.ModelViewSet):
    queryset = User.objects.order_by("email")
    serializer_class = UserSer

    def get_queryset(self):
        users = super().get_queryset()
        domain = self.request.query_params.get("domain")
        return users.filter(email__endswith="@" + domain) if domain else users

    @extend_schema(parameters=[OpenApiParameter("domain", str, description="Only users at this domain")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_success_headers(self, data):
        return {"Location": reverse("user-detail", args=[data["id"]])}
