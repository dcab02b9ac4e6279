from rest_framework import serializers, viewsets

from core.models import User


class UserSer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "created_at"]
        read_only_fields = ["created_at"]


class UserView(viewsets.ModelViewSet):
    queryset = User.objects.order_by("-created_at")
    serializer_class = UserSer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
