printf '\nMEDIA_URL = "/media/"\nMEDIA_ROOT = BASE_DIR / "media"\n' >> config/settings.py
cat >> config/urls.py <<'PY'

from django.conf import settings  # noqa: E402
from django.conf.urls.static import static  # noqa: E402

urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
PY
