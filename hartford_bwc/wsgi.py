"""WSGI entry point (gunicorn hartford_bwc.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
application = get_wsgi_application()
