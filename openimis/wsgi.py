"""WSGI entry point (gunicorn, waitress, any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")
application = get_wsgi_application()
