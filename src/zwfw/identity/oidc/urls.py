"""OpenID Connect provider endpoints (django-oauth-toolkit views, namespace ``oauth2_provider``).

Mounted at the site root: the issuer is the node's base URL, so discovery lives at
``/.well-known/openid-configuration`` (OIDC Discovery 1.0 §4) and RFC 8414 metadata at
``/.well-known/oauth-authorization-server``; the endpoints themselves sit under ``/oauth/``.
No application-management or dynamic-registration views: clients are made by
``zwfw manage oidc_client`` and in the admin.
"""

from django.urls import path, re_path
from oauth2_provider import views as dot

from zwfw.identity.oidc import views

app_name = "oauth2_provider"

urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        views.ServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path("oauth/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("oauth/token/", views.TokenEndpointView.as_view(), name="token"),
    path("oauth/revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth/introspect/", dot.IntrospectTokenView.as_view(), name="introspect"),
    path("oauth/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("oauth/logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    path("oauth/jwks/", dot.JwksInfoView.as_view(), name="jwks-info"),
]
