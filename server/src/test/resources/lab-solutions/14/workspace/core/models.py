from django.db import models


class UserQuerySet(models.QuerySet):
    def from_domain(self, domain):
        return self.filter(email__endswith="@" + domain).order_by("-created_at")


class User(models.Model):
    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserQuerySet.as_manager()
