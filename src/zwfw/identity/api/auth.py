"""Who calls the identity API: a signed-in browser session (with CSRF) or a bearer access token.

The bearer part (JWT access tokens of this node's provider, verified locally) comes with the
OpenID Connect work; until then only the session authenticates.
"""

from ninja.security import SessionAuth

session_auth = SessionAuth(csrf=True)

# Every personal endpoint uses this list: any one that authenticates lets the request in.
account_auth = [session_auth]
