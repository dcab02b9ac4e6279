from django.contrib import admin
from django.db.models.functions import Lower

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at")
    search_fields = ("email",)
    list_filter = ("created_at",)
    ordering = ("-created_at",)
    actions = ["lowercase_emails"]

    @admin.action(description="Lowercase the selected emails")
    def lowercase_emails(self, request, queryset):
        updated = queryset.update(email=Lower("email"))
        self.message_user(request, f"{updated} email(s) lowercased.")
