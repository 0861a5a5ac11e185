"""Public seal pages under /seals/ (see views.py)."""

from zwfw.seals.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
