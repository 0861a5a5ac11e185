"""Who calls the API: a signed-in browser session (with CSRF), a person's bearer access token, or a
department system's client-credentials token acting as its staff service account.

A bearer token is a JWT access token of this node's OpenID Connect provider, verified locally
(``zwfw.identity.oidc.bearer``: signature, expiry, issuer, audience, in-memory revocation list,
no database query); its pairwise ``sub`` is then mapped to the user with one indexed query.
Client-credentials tokens carry no person and do not authenticate personal endpoints; a system client
registered to act as a staff account (``oidc_client create --client-credentials --acts-as``) reaches the
department operations its account may use (``system_auth``).
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
from zwfw.identity.oidc.clients import system_account


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
        key = super()._get_key(request)
        # Only a call whose session cookie signs someone in can act with it, so only that one is checked
        # for CSRF; any other (no cookie, or an anonymous visitor's session, as a system's HTTP client
        # may keep) goes on to the next way in, such as a system's bearer token.
        if key is None or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False):
            require_csrf(request)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return super().authenticate(request, key) if key is not None else None


session_auth = SessionAuth()


class _AccessTokenAuth(HttpAuthBase):
    """An access token of this node (RFC 6750 bearer, RFC 9068 JWT): the account it acts for becomes
    ``request.user``; ``account_for`` says which, or None to let the next way in try."""

    openapi_scheme = "bearer"
    openapi_bearerFormat = "JWT"

    def __call__(self, request: HttpRequest) -> Any | None:
        verified = bearer.verify_request(request)
        user = self.account_for(verified) if verified is not None else None
        if user is None:
            return None
        request.user = user
        return user

    def account_for(self, verified: bearer.VerifiedToken) -> Any | None:
        raise NotImplementedError


class BearerAuth(_AccessTokenAuth):
    """A person's token (authorization code flow).

    ``required_scope``: a token the person granted without that scope does not get in (an app
    allowed only ``openid`` learns who signed in, not their profile, grants or sessions).
    """

    def __init__(self, *, required_scope: str | None = None) -> None:
        super().__init__()
        self.required_scope = required_scope

    def account_for(self, verified: bearer.VerifiedToken) -> Any | None:
        if not verified.has_user or (self.required_scope and self.required_scope not in verified.scopes):
            return None
        return user_for_subject(verified.sub)


bearer_auth = BearerAuth(required_scope="profile")


class SystemAuth(_AccessTokenAuth):
    """A department system's token (OAuth 2.0 client credentials, RFC 6749 §4.4) whose client acts as a
    staff service account: the call runs as that account, with its department and roles, as a signed-in
    member of staff would (no CSRF: no browser carries it)."""

    def account_for(self, verified: bearer.VerifiedToken) -> Any | None:
        return None if verified.has_user else system_account(verified.client_id)


system_auth = SystemAuth()
# Department operations: staff in the workbench (session) or the department's own system.
staff_auth = [session_auth, system_auth]

# Every personal endpoint uses this list: any one that authenticates lets the request in.
account_auth = [session_auth, bearer_auth]
# The token's own description needs no scope beyond the token itself.
token_auth = [session_auth, BearerAuth()]
