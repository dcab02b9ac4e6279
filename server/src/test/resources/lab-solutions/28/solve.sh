printf '\nREST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["contact"] = "5/minute"\n' >> config/settings.py
cat >> core/urls.py <<'PY'

from .contact import Contact  # noqa: E402

urlpatterns += [path("api/contact/", Contact.as_view())]
PY
