from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from .models import User


class UserList(LoginRequiredMixin, ListView):
    model = User
    paginate_by = 20
    ordering = ["email"]

    def get_queryset(self):
        users = super().get_queryset()
        domain = self.request.GET.get("domain")
        return users.filter(email__endswith="@" + domain) if domain else users
