from .models import User


def search_users(q):
    words = q.split()
    if not words:
        return User.objects.none()
    users = User.objects.all()
    for word in words:
        users = users.filter(email__icontains=word)
    return users.order_by("email")
