python manage.py makemigrations core
python manage.py migrate
