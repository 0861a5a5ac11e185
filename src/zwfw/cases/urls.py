"""办件 pages under /cases/ (see views/, and bundle_views.py for 一件事一次办)."""

from zwfw.cases import bundle_views
from zwfw.cases.views import app_name
from zwfw.cases.views import urlpatterns as case_urlpatterns

urlpatterns = case_urlpatterns + bundle_views.urlpatterns

__all__ = ["app_name", "urlpatterns"]
