"""URL map of a node: portal pages, the JSON API, Django admin."""

from django.contrib import admin
from django.urls import include, path

from zwfw.api import api
from zwfw.identity.views.authn import admin_login

admin.site.site_header = "zwfw 政务服务平台管理"
admin.site.site_title = "zwfw 管理"
admin.site.index_title = "运营管理"
admin.site.login = admin_login  # staff sign in through identity (second factor), never admin's own form

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("account/", include("zwfw.identity.urls")),
    path("seals/", include("zwfw.seals.urls")),
    path("licenses/", include("zwfw.licenses.urls")),
    path("cases/", include("zwfw.cases.urls")),
    path("", include("zwfw.identity.oidc.urls")),
    path("", include("zwfw.portal.urls")),
]

handler404 = "zwfw.portal.views.page_not_found"
handler500 = "zwfw.portal.views.server_error"
handler403 = "zwfw.portal.views.permission_denied"
handler400 = "zwfw.portal.views.bad_request"
