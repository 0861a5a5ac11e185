"""zwfw's rules on top of django-oauth-toolkit's OAuth2Validator (OAUTH2_VALIDATOR_CLASS).

- ``sub`` is pairwise per client sector (claims.subject_for), in ID tokens, userinfo and JWT
  access tokens alike;
- ``acr`` / ``amr`` / ``auth_time`` come from the browser session at authorization time
  (zwfw.identity.sessions) and travel with the authorization code and the refresh chain;
- scope claims: profile, phone, idcard (level >= 3), entity (claims.scope_claims);
- only the authorization-code (with PKCE S256) and client-credentials grants are allowed, plus
  refresh; RFC 9700 §2.1.2 and §2.4 forbid implicit and password grants;
- an ID token used as ``id_token_hint`` verifies against any published key (key rotation);
- the refresh grant does DOT's work in fewer queries (validate_refresh_token, _save_bearer_token):
  18 statements per refresh became 9, with every rule kept (see those methods).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone
from jwcrypto import jws
from oauth2_provider import cimd
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_id_token_model,
    get_refresh_token_model,
    refresh_token_expire_timedelta,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from zwfw.identity.oidc import plainsql
from zwfw.identity.oidc.claims import CLAIM_SCOPES, AuthContext, scope_claims, subject_for_request
from zwfw.identity.oidc.tokens import auth_context, key_id, sign

IDToken = get_id_token_model()
Application = get_application_model()
AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()

# Client secrets whose check against a stored hash passed: (stored hash, SHA-256 of the secret).
# The stored hash is read from the client row on every request, so a new secret (or a deleted
# client) is seen at once; only the repeated PBKDF2 of the very same secret is saved.
_VERIFIED_SECRETS: set[tuple[str, bytes]] = set()
_VERIFIED_SECRETS_MAX = 1024

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

    # --- client authentication (RFC 6749 §2.3.1), on every token request ----------------------

    def _load_application(self, client_id, request):
        """DOT's ``_load_application`` line for line, the client row read by a plain SELECT
        (plainsql) instead of ``Application.objects.get``: the row is still read on every request."""
        if request.client:
            if (
                isinstance(request.client, Application)
                and request.client.client_id == client_id
                and request.client.is_usable(request)
            ):
                return request.client
            request.client = None
        if "\x00" in str(client_id):
            # No client_id holds a NUL, and PostgreSQL refuses it as a parameter (a DataError: a 500,
            # with DOT's own query too); DOT's GH #1006 only caught psycopg2's ValueError.
            return None
        try:
            found = plainsql.prepare(
                router.db_for_read(Application), (("c", Application),), _application_by_client_id
            ).first([client_id])
        except ValueError:  # as DOT (GH #1006)
            return None
        if not found:
            client = cimd.resolve_cimd_application(client_id, request=request)
            if client is not None and client.is_usable(request):
                request.client = client
                return request.client
            return None
        client = cimd.refresh_if_stale(found[0], request=request)
        if not client.is_usable(request):
            return None
        request.client = client
        return request.client

    def _check_secret(self, provided_secret, stored_secret):
        """DOT's check, remembering a success for the client-secret hasher only (secrets are 128
        random characters, zwfw.identity.passwords.ClientSecretHasher). Passwords never pass here."""
        try:
            algorithm = identify_hasher(stored_secret).algorithm
        except ValueError:
            algorithm = ""
        if algorithm != oauth2_settings.CLIENT_SECRET_HASHER:
            return super()._check_secret(provided_secret, stored_secret)
        key = (stored_secret, hashlib.sha256(str(provided_secret).encode("utf-8")).digest())
        if key in _VERIFIED_SECRETS:
            return True
        ok = super()._check_secret(provided_secret, stored_secret)
        if ok:
            if len(_VERIFIED_SECRETS) >= _VERIFIED_SECRETS_MAX:
                _VERIFIED_SECRETS.clear()
            _VERIFIED_SECRETS.add(key)
        return ok

    # --- refresh grant (RFC 6749 §6, rotation and reuse detection as in DOT 3.4) ---------------

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """DOT's ``validate_refresh_token`` rule for rule, with the token's user joined into the one
        query and the client compared by id: DOT loads ``rt.user`` and ``rt.application`` afterwards,
        two more queries on every refresh.

        Rules kept: unknown token refused; a revoked token outside the grace period, or one revoked
        without being superseded, is reuse: the whole family is revoked (REFRESH_TOKEN_REUSE_PROTECTION)
        and the grant refused; a live token needs its access token and must not be past
        REFRESH_TOKEN_EXPIRE_SECONDS after it; the token must belong to the authenticated client.
        """
        token_checksum = hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()
        # DOT: filter(token_checksum=...).order_by(F("revoked").desc(nulls_first=True)).first(), here
        # with the user and the access token as select_related would attach them, in plain SQL.
        found = plainsql.prepare(
            router.db_for_read(RefreshToken),
            (("r", RefreshToken), ("u", get_user_model()), ("a", AccessToken)),
            _refresh_token_by_checksum,
        ).first([token_checksum])
        if not found:
            return False
        rt, user, access_token = found
        RefreshToken._meta.get_field("user").set_cached_value(rt, user)
        RefreshToken._meta.get_field("access_token").set_cached_value(rt, access_token)
        if access_token is not None:
            AccessToken._meta.get_field("refresh_token").set_cached_value(access_token, rt)
        if rt.revoked is not None:
            grace_expired = rt.revoked <= timezone.now() - timedelta(
                seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS
            )
            superseded = AccessToken.objects.filter(source_refresh_token=rt).exists()
            if grace_expired or not superseded:
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    RefreshToken.revoke_family(rt.token_family)
                return False
        if rt.revoked is None:
            if rt.access_token is None:
                return False
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False
        request.user = rt.user
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        return rt.application_id == client.pk

    def _save_bearer_token(self, token, request, *args, **kwargs):
        """Refresh-token rotation in four writes (DOT: ten statements, the token row read three times).

        Only the common case takes this path: a refresh grant with rotation, whose token was live when
        validated. One conditional UPDATE revokes it and takes its row lock; a concurrent rotation
        that got there first leaves it at 0 rows, and DOT's own code then runs unchanged (it finds the
        access token that rotation issued and answers with the same pair). Then the old access token
        is deleted like ``AccessToken.revoke()`` does (its post_delete puts the JWT on the revocation
        list) and the new pair is created by DOT's own methods, in the same family. A live token never
        has an access token sourced from it (rotation revokes it in the transaction that creates one),
        so DOT's look-up of such a token is left to the fallback. Runs inside save_bearer_token's
        transaction (BEGIN IMMEDIATE on SQLite).
        """
        rt = getattr(request, "refresh_token_instance", None)
        if (
            request.grant_type != "refresh_token"
            or not self.rotate_refresh_token(request)
            or not isinstance(rt, RefreshToken)
            or rt.revoked is not None
            or not token.get("refresh_token")
            or "scope" not in token
        ):
            return super()._save_bearer_token(token, request, *args, **kwargs)
        self._check_and_set_request_resource(request)  # RFC 8707: the resource rides on the family
        now = timezone.now()
        expires = now + timedelta(
            seconds=token.get("expires_in", oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
        )
        revoked = RefreshToken.objects.filter(pk=rt.pk, revoked__isnull=True).update(
            revoked=now, updated=now, access_token=None
        )
        if not revoked:
            return super()._save_bearer_token(token, request, *args, **kwargs)
        previous = rt.access_token
        rt.revoked, rt.updated, rt.access_token = now, now, None
        if previous is not None:
            _delete_access_token(previous)
        request.refresh_token_instance = None
        access_token = self._create_access_token(expires, request, token, source_refresh_token=rt)
        self._create_refresh_token(request, token["refresh_token"], access_token, rt)

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


def _application_by_client_id(qn: Any) -> str:
    client = Application._meta
    return f"FROM {qn(client.db_table)} c WHERE c.{qn(client.get_field('client_id').column)} = %s"


def _refresh_token_by_checksum(qn: Any) -> str:
    """FROM/WHERE of the refresh-token look-up: live row first, else the most recently revoked."""
    rt, at, user = RefreshToken._meta, AccessToken._meta, get_user_model()._meta
    revoked = f"r.{qn(rt.get_field('revoked').column)}"
    return (
        f"FROM {qn(rt.db_table)} r"
        f" JOIN {qn(user.db_table)} u ON u.{qn(user.pk.column)} = r.{qn(rt.get_field('user').column)}"
        f" LEFT JOIN {qn(at.db_table)} a ON a.{qn(at.pk.column)} = r.{qn(rt.get_field('access_token').column)}"
        f" WHERE r.{qn(rt.get_field('token_checksum').column)} = %s"
        f" ORDER BY CASE WHEN {revoked} IS NULL THEN 0 ELSE 1 END, {revoked} DESC LIMIT 1"
    )


def _delete_access_token(token: Any) -> None:
    """``AccessToken.revoke()`` (a delete) of the token a rotation replaces, in one statement.

    Django's collector would also run ``UPDATE refresh token SET access_token = NULL`` for the one
    refresh token that can point at it (a one-to-one), which the rotation's own UPDATE has just
    done. The delete signals are sent as the collector sends them: post_delete puts the JWT on the
    revocation list (zwfw.identity.oidc.revocation). Any other relation to access tokens (none
    today) makes this the ordinary ``delete()``.
    """
    relations = [rel.related_model for rel in AccessToken._meta.related_objects]
    if relations != [RefreshToken]:
        token.delete()
        return
    using = router.db_for_write(AccessToken, instance=token)
    pre_delete.send(sender=AccessToken, instance=token, using=using, origin=token)
    connection = connections[using]
    table = connection.ops.quote_name(AccessToken._meta.db_table)
    column = connection.ops.quote_name(AccessToken._meta.pk.column)
    with connection.cursor() as cursor:  # plain SQL: no collector, no ORM compilation
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [token.pk])
    post_delete.send(sender=AccessToken, instance=token, using=using, origin=token)
    token.pk = None
