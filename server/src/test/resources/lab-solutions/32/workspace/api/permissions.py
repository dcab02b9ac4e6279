from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWrites(BasePermission):
    """Anyone signed in may read; only staff may change."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_staff
