cat >> core/services.py <<'PY'


def register(email):
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            return User.objects.create(email=email)
    except IntegrityError:
        return User.objects.get(email=email)
PY
