"""Identity pages (sign-in, registration, account, grants, consents) under /account/."""

from zwfw.identity.views import accounts, authn, hub, oidc

app_name = "identity"

urlpatterns = accounts.urlpatterns + authn.urlpatterns + oidc.urlpatterns + hub.urlpatterns
