python manage.py makemigrations core --empty --name lowercase_emails
migration=$(ls core/migrations/*_lowercase_emails.py)
python - "$migration" <<'PY'
import re
import sys

path = sys.argv[1]
source = open(path).read()
source = source.replace("from django.db import migrations", '''from django.db import migrations


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("core", "User")
    for user in User.objects.all():
        if user.email != user.email.lower():
            user.email = user.email.lower()
            user.save(update_fields=["email"])''', 1)
source = re.sub(r"operations = \[\s*\]", "operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]", source)
open(path, "w").write(source)
PY
python manage.py migrate
