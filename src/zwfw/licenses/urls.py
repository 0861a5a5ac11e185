"""Licence pages under /licenses/ (see views.py)."""

from zwfw.licenses.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
