"""zwfw's rules on top of django-oauth-toolkit's OAuth2Validator (OAUTH2_VALIDATOR_CLASS).

- ``sub`` is pairwise per client sector (claims.subject_for), in ID tokens, userinfo and JWT
  access tokens alike;
- ``acr`` / ``amr`` / ``auth_time`` come from the browser session at authorization time
  (zwfw.identity.sessions) and travel with the authorization code and the refresh chain;
- scope claims: profile, phone, idcard (level >= 3), entity (claims.scope_claims);
- only the authorization-code (with PKCE S256) and client-credentials grants are allowed, plus
  refresh; RFC 9700 §2.1.2 and §2.4 forbid implicit and password grants;
- an ID token used as ``id_token_hint`` verifies against any published key (key rotation).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import router, transaction
from jwcrypto import jws
from oauth2_provider.models import AbstractApplication, get_id_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from zwfw.identity.oidc.claims import CLAIM_SCOPES, AuthContext, scope_claims, subject_for_request
from zwfw.identity.oidc.tokens import auth_context, key_id, sign

IDToken = get_id_token_model()

ALLOWED_GRANT_TYPES = {
    AbstractApplication.GRANT_AUTHORIZATION_CODE,
    AbstractApplication.GRANT_CLIENT_CREDENTIALS,
}


class Validator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    # --- grants -----------------------------------------------------------------------------

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if client.authorization_grant_type not in ALLOWED_GRANT_TYPES:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def refresh_id_token(self, request):
        # OpenID Connect Core §12.2: a refresh response "might not contain an id_token". The ID
        # token says how the person signed in, which a refresh does not change; the client keeps
        # the one from the code exchange. Skipping it saves a signature and a row per refresh.
        return False

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        # Authorization code only (OIDC_RESPONSE_TYPES_SUPPORTED = ["code"]).
        if response_type != "code":
            return False
        return super().validate_response_type(client_id, response_type, client, request, *args, **kwargs)

    def _create_authorization_code(self, request, code, expires=None):
        # The session's acr/amr/auth_time (set by the authorize view as a credential) ride on the
        # grant's ``claims`` column under a private key, so the token endpoint finds them again.
        context = AuthContext.from_dict(getattr(request, "zwfw_context", None))
        if context is not None:
            claims = request.claims if isinstance(request.claims, dict) else {}
            request.claims = {**claims, "zwfw": context.as_dict()}
        return super()._create_authorization_code(request, code, expires)

    # prompt=none (OIDC Core §3.1.2.1): oauthlib asks these without the browser session at hand;
    # the authorize view answers login_required / consent_required itself (oidc.views.AuthorizeView).
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True

    # --- claims -----------------------------------------------------------------------------

    def get_discovery_claims(self, request):
        return ["sub", "acr", "amr", "auth_time", *CLAIM_SCOPES]

    def get_oidc_claims(self, token, token_handler, request):
        context = auth_context(request)
        claims: dict[str, Any] = {"sub": subject_for_request(request)}
        claims.update(scope_claims(request.user, request.scopes or [], context))
        return claims

    def get_userinfo_claims(self, request):
        return self.get_oidc_claims(None, None, request)

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        context = auth_context(request)
        if context is not None:
            # OIDC Core §2: auth_time is when the End-User authenticated, not the last login row.
            claims["auth_time"] = context.auth_time
            claims["acr"] = str(context.acr)
            claims["amr"] = context.amr
        return claims, expiration_time

    # --- ID tokens: signed with the cached key; verified with any still-published key ---------

    def finalize_id_token(self, id_token, token, token_handler, request):
        """DOT's finalize_id_token, signing with the process's parsed key (tokens.sign): jwcrypto
        rebuilds the RSA private key, with its costly consistency checks, on every signature."""
        if request.client.algorithm != AbstractApplication.RS256_ALGORITHM:
            return super().finalize_id_token(id_token, token, token_handler, request)
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:  # oauthlib bug #746, as in DOT
            id_token["nonce"] = request.nonce
        signed = sign(id_token, typ="JWT")
        with transaction.atomic(using=router.db_for_write(IDToken)):
            row = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = row
        request.id_token = row
        # DOT links the access token to this row by loading the token back (_load_id_token):
        # remember it, so the token just signed is not parsed and verified again.
        self._just_signed = (signed, row)
        return signed

    def _load_id_token(self, token):
        just_signed = getattr(self, "_just_signed", None)
        if just_signed is not None and just_signed[0] == token:
            return just_signed[1]
        return super()._load_id_token(token)

    def _get_key_for_token(self, token):
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header
        if not isinstance(header, dict):  # JSON serialisation with several signatures: not ours
            return None
        try:
            claims = json.loads(unverified.objects["payload"].decode("utf-8"))
        except (KeyError, ValueError, AttributeError):
            return None
        if not isinstance(claims, dict) or "aud" not in claims:
            return None
        application = self._get_client_by_audience(claims["aud"])
        if application is None:
            return None
        if application.algorithm != AbstractApplication.RS256_ALGORITHM:
            return application.jwk_key
        kid = header.get("kid")
        for pem in (oauth2_settings.OIDC_RSA_PRIVATE_KEY, *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE):
            if key_id(pem) == kid:
                return jwk_from_pem(pem)
        return None
