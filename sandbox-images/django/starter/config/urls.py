"""URL configuration: the admin, a health check, and the core app's routes."""
from django.contrib import admin
from django.urls import include, path

from core.views import ping

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", ping),
    path("", include("core.urls")),
]
