cat >> config/settings.py <<'PY'

import environ  # noqa: E402

env = environ.Env(DEBUG=(bool, True))
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=ALLOWED_HOSTS)
PY
