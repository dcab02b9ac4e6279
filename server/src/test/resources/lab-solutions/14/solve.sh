python manage.py makemigrations core
