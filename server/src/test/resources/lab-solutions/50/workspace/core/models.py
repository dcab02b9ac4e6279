from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver


class User(models.Model):
    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class AuditLog(models.Model):
    action = models.CharField(max_length=20)
    email = models.EmailField()
    at = models.DateTimeField(auto_now_add=True)


@receiver(post_save, sender=User)
def audit_new_user(sender, instance, created, **kwargs):
    if created:
        AuditLog.objects.create(action="created", email=instance.email)
