from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from core.models import User

from .permissions import StaffWrites


class UserSer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email"]


class TenPerPage(PageNumberPagination):
    page_size = 10


class UserView(viewsets.ModelViewSet):
    queryset = User.objects.order_by("email")
    serializer_class = UserSer
    permission_classes = [IsAuthenticated, StaffWrites]
    pagination_class = TenPerPage
