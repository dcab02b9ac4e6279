printf '\nMIDDLEWARE += ["core.middleware.RequestIdMiddleware"]\n' >> config/settings.py
