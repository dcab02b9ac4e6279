cat >> config/settings.py <<'PY'

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.jsonlog.JsonFormatter"}},
    "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"core": {"handlers": ["json"], "level": "INFO"}},
}
PY
