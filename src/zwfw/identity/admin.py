"""Admin of the identity module."""

from zwfw.identity.oidc import admin as _oidc_admin  # noqa: F401  (OpenID Connect clients)
