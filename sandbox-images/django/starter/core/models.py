from django.db import models

# Create your models here, then: python manage.py makemigrations && python manage.py migrate
