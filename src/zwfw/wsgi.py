"""WSGI entry point used by `zwfw serve` (granian)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")

application = get_wsgi_application()
