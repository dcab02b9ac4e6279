from django.contrib import admin

# Register your models here, e.g.:
# @admin.register(User)
# class UserAdmin(admin.ModelAdmin):
#     list_display = ("email", "created_at")
