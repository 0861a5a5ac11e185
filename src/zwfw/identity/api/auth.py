"""Who calls the identity API: a signed-in browser session (with CSRF) or a bearer access token.

A bearer token is a JWT access token of this node's OpenID Connect provider, verified locally
(``zwfw.identity.oidc.bearer``: signature, expiry, issuer, audience, in-memory revocation list,
no database query); its pairwise ``sub`` is then mapped to the user with one indexed query.
Client-credentials tokens carry no person and do not authenticate personal endpoints.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import security
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from zwfw.core.errors import PermissionDenied
from zwfw.identity.oidc import bearer
from zwfw.identity.oidc.claims import user_for_subject


def require_csrf(request: HttpRequest) -> None:
    """The CSRF token of this site's page (cookie and header) must come with a browser's call: a
    cross-site form or script must not act with the visitor's session, nor (for operations open to
    visitors) make their browser ask for SMS codes. 403 CSRF_FAILED, in the API's error shape."""
    if check_csrf(request) is not None:
        raise PermissionDenied("CSRF_FAILED", "页面已过期，请刷新后重试")


class SessionAuth(security.SessionAuth):
    """Django's session, with the CSRF check of ``require_csrf`` (django-ninja's own answers an English
    ``HttpError(403, "CSRF check Failed")``). Named as django-ninja's: the OpenAPI document names the
    security scheme after the class."""

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def _get_key(self, request: HttpRequest) -> str | None:
        if not getattr(request, "_ninja_csrf_exempt", False):
            require_csrf(request)
        return super()._get_key(request)


session_auth = SessionAuth()


class BearerAuth(HttpAuthBase):
    """RFC 6750 bearer token (this node's RFC 9068 JWT access tokens).

    ``required_scope``: a token the person granted without that scope does not get in (an app
    allowed only ``openid`` learns who signed in, not their profile, grants or sessions).
    """

    openapi_scheme = "bearer"
    openapi_bearerFormat = "JWT"

    def __init__(self, *, required_scope: str | None = None) -> None:
        super().__init__()
        self.required_scope = required_scope

    def __call__(self, request: HttpRequest) -> Any | None:
        verified = bearer.verify_request(request)
        if verified is None or not verified.has_user:
            return None
        if self.required_scope and self.required_scope not in verified.scopes:
            return None
        user = user_for_subject(verified.sub)
        if user is None:
            return None
        request.user = user
        return user


bearer_auth = BearerAuth(required_scope="profile")

# Every personal endpoint uses this list: any one that authenticates lets the request in.
account_auth = [session_auth, bearer_auth]
# The token's own description needs no scope beyond the token itself.
token_auth = [session_auth, BearerAuth()]
