"""The identity JSON API under /api/v1/identity/: one router per area, each mounted on that prefix.

(Mounting them on one parent router with an empty prefix made django-ninja write
``/api/v1identity/...`` into the OpenAPI document.)
"""

from zwfw.identity.api import accounts, authn, oidc

routers = [accounts.router, authn.router, oidc.router]
