python - > requirements.txt <<'PY'
from importlib.metadata import version

for name in ("Django", "djangorestframework"):
    print(f"{name}=={version(name)}")
PY
cat requirements.txt
