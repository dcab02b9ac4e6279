from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import User

KEY = "user_count"


def user_count():
    return cache.get_or_set(KEY, User.objects.count, timeout=300)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user_count(**kwargs):
    cache.delete(KEY)
