"""WSGI entry point (gunicorn, waitress, any WSGI server): Django behind the gateway (`openimis.gateway`),
so that any server gets the liveness check without the Host check and the trusted-proxy rule."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")

from openimis.gateway import gateway_for  # noqa: E402 - after the settings module is named

application = gateway_for(get_wsgi_application())
