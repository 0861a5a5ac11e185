"""Sign-in through the hub (一次认证、全网通办): this node as a relying party of the hub's provider.

A node started with ``ZWFW_HUB_URL`` (and the client id and secret the hub issued to it) lets a
citizen sign in with their national account. Standards followed, step by step:

- OpenID Connect Discovery 1.0 §4: the hub's metadata from ``<issuer>/.well-known/openid-configuration``;
  §4.3: the ``issuer`` it states must be the URL we asked (else a look-alike could stand in).
- OpenID Connect Core 1.0 §3.1 authorization code flow, with RFC 7636 PKCE (S256 only), ``state``
  bound to this browser's session (RFC 6749 §10.12, CSRF) and a ``nonce`` (Core §15.5.2, replay).
- RFC 9207: when the hub returns ``iss`` with the code it must be the hub's issuer (mix-up defence).
- Core §3.1.3.7: the ID token is verified against the hub's JWKS (signature, ``iss``, ``aud``,
  ``azp``, ``exp``, ``iat``, ``nonce``); Core §3.1.3.8: ``at_hash`` when present.
- Core §5.3.2: the userinfo ``sub`` must equal the ID token's ``sub``.
- OpenID Connect RP-Initiated Logout 1.0: signing out here sends the browser to the hub's
  ``end_session_endpoint`` with ``id_token_hint`` so the hub session ends too.
- OpenID Connect Back-Channel Logout 1.0: the hub may POST a ``logout_token`` to end this node's
  sessions of a subject (``receive_backchannel_logout``).

Local account (``HubLink`` is the link, keyed by the hub's issuer and pairwise ``sub``):

1. a link for (issuer, sub) exists: that account;
2. otherwise, when the hub session is at level 3 or more (``acr``) and the hub shares the verified
   document (scope ``idcard``): the local person with that document (blind index), provided the
   verified name matches; a mismatch is refused (the window sorts it out, never an automatic merge);
3. otherwise a new local person is created from the verified attributes, at the hub's level.

The local level is raised (never lowered) to the hub's account level, with an ``AssuranceEvent``
(method ``hub``). Every sign-in through the hub, successful or not, is audited.

Modules: ``provider`` (the hub's metadata, keys and HTTP), ``login`` (the code flow), ``linking``
(the local account), ``logout`` (RP-initiated and back-channel). Pages: ``zwfw.identity.views.hub``.
"""

from zwfw.identity.hub.linking import HubIdentity, link_account
from zwfw.identity.hub.login import (
    ID_TOKEN,
    ISSUER,
    PENDING,
    SCOPE,
    SID,
    SUBJECT,
    callback_uri,
    complete_hub_login,
    signed_out_uri,
    start_hub_login,
    verify_id_token,
)
from zwfw.identity.hub.logout import BACKCHANNEL_LOGOUT_EVENT, hub_logout_url, receive_backchannel_logout
from zwfw.identity.hub.provider import HubLoginError, hub_enabled, provider_metadata

__all__ = [
    "BACKCHANNEL_LOGOUT_EVENT",
    "ID_TOKEN",
    "ISSUER",
    "PENDING",
    "SCOPE",
    "SID",
    "SUBJECT",
    "HubIdentity",
    "HubLoginError",
    "callback_uri",
    "complete_hub_login",
    "hub_enabled",
    "hub_logout_url",
    "link_account",
    "provider_metadata",
    "receive_backchannel_logout",
    "signed_out_uri",
    "start_hub_login",
    "verify_id_token",
]
