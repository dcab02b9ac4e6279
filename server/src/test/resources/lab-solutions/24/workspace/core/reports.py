from django.core.exceptions import ObjectDoesNotExist

from .models import User


def user_rows():
    users = User.objects.select_related("profile").prefetch_related("groups").order_by("email")
    rows = []
    for user in users:
        try:
            bio = user.profile.bio
        except ObjectDoesNotExist:
            bio = ""
        rows.append({"email": user.email, "bio": bio, "groups": sorted(g.name for g in user.groups.all())})
    return rows
