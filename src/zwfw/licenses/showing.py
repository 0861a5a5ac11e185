"""亮证: the holder shows a licence as a QR code carrying a short-lived signed token.

The token is a compact JWS (ES256, RFC 7515) signed by the node's display key (held in the seal
key store): ``{"lic": identifier, "f": [disclosed field keys], "iat", "exp", "jti"}``, living at most
``MAX_SECONDS``. Its key is published as a JWKS (``/licenses/keys.json``), so a verifier can check a
token offline; online, the verification page adds the licence's current status and the disclosed
fields, masked where the type says so. Only the holder (or an agent within the grant) makes one.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.registry import HeaderParameter

from zwfw.core.audit import canonical_json
from zwfw.core.errors import PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedRead
from zwfw.core.masking import mask_address, mask_name, mask_resident_id
from zwfw.licenses.models import DisplayKey, License, LicenseStatus, LicenseUse
from zwfw.licenses.services import current_status_of, effective_status
from zwfw.seals.keystore import keystore
from zwfw.seals.models import KeyAlgorithm
from zwfw.seals.pki import raw_signature

MAX_SECONDS = 180  # the rule: at most 3 minutes, refreshed on screen
TOKEN_TYPE = "zwfw-license-show+jwt"
_REGISTRY = jws.JWSRegistry(algorithms=["ES256"])
_REGISTRY.header_registry["typ"] = HeaderParameter("Type", "str", required=True)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# The display keys, as this process last read them. Another worker may make a key (the first, or the
# next after a retirement), and a retired key stops verifying once the tokens it signed have expired:
# the set is read again after KEYSET_SECONDS, at once when a token names a key this process does not
# hold but the node does, and for every publication (keys.json).
KEYSET_SECONDS = 60
_KEYSET: dict[str, Any] = {"keys": None, "kids": frozenset(), "at": 0.0}


def reset_caches() -> None:
    _KEYSET.update(keys=None, kids=frozenset(), at=0.0)


@transaction.atomic
def current_key() -> DisplayKey:
    """The active display key, made on first use."""
    key = DisplayKey.objects.select_related("key").filter(retired_at__isnull=True).order_by("-id").first()
    if key is None:
        stored = keystore().generate(KeyAlgorithm.ECDSA_P256)
        key = DisplayKey.objects.create(kid=secrets.token_urlsafe(12), key=stored)
        reset_caches()
    return key


def _keyset(kid: str = "", *, fresh: bool = False) -> KeySet:
    """The display keys that verify tokens: the active ones and those retired less than a token's
    lifetime ago."""
    stale = (
        fresh
        or _KEYSET["keys"] is None
        or time.monotonic() - _KEYSET["at"] > KEYSET_SECONDS
        or (kid and kid not in _KEYSET["kids"] and DisplayKey.objects.filter(kid=kid[:32]).exists())
    )
    if stale:
        since = timezone.now() - dt.timedelta(seconds=MAX_SECONDS)
        keys: list[Any] = []
        rows = DisplayKey.objects.select_related("key").filter(Q(retired_at__isnull=True) | Q(retired_at__gt=since))
        for row in rows.order_by("id"):
            public = serialization.load_der_public_key(bytes(row.key.public_key))
            assert isinstance(public, ec.EllipticCurvePublicKey)
            keys.append(ECKey.import_key(public, {"kid": row.kid, "use": "sig", "alg": "ES256"}))
        _KEYSET.update(keys=KeySet(keys), kids=frozenset(key.kid for key in keys), at=time.monotonic())
    return _KEYSET["keys"]


def _kid_of(token: str) -> str:
    """The key a compact JWS names in its header ("" when it names none or is not one)."""
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".", 1)[0] + "=="))
    except (ValueError, TypeError):
        return ""
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else ""


def jwks() -> dict:
    """The published keys (public parts only)."""
    return {"keys": [key.as_dict(private=False) for key in _keyset(fresh=True).keys]}


def disclosable_fields(license: License) -> list[dict]:
    return [field for field in license.license_type.fields if field.get("disclosable")]


def make_token(*, license: License, fields: list[str], now: dt.datetime | None = None, seconds: int = MAX_SECONDS) -> str:
    """A display token for ``license`` disclosing ``fields`` (keys of disclosable surface fields)."""
    license = License.objects.select_related("license_type").get(pk=license.pk)  # the status as it is now
    if current_status_of(license) != LicenseStatus.VALID:
        raise PermissionDenied("LICENSE_NOT_SHOWABLE", f"证照当前为“{LicenseStatus(license.status).label}”，不能亮证")
    allowed = {field["key"] for field in disclosable_fields(license)}
    chosen = sorted(set(fields))
    refused = [key for key in chosen if key not in allowed]
    if refused:
        raise ValidationFailed("LICENSE_FIELD_NOT_DISCLOSABLE", f"照面项“{refused[0][:40]}”不能展示", details={"field": "fields"})
    if not 1 <= seconds <= MAX_SECONDS:
        raise ValidationFailed("LICENSE_TOKEN_LIFETIME", f"亮证码有效时间应为1到{MAX_SECONDS}秒")
    now = now or timezone.now()
    key = current_key()
    header = {"alg": "ES256", "kid": key.kid, "typ": TOKEN_TYPE}
    claims = {
        "lic": license.identifier,
        "f": chosen,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + seconds,
        "jti": secrets.token_urlsafe(9),
    }
    signing_input = f"{_b64url(canonical_json(header).encode())}.{_b64url(canonical_json(claims).encode())}"
    signature = raw_signature(keystore().sign(key.key, signing_input.encode("ascii")))
    return f"{signing_input}.{_b64url(signature)}"


@dataclass(frozen=True)
class TokenClaims:
    identifier: str
    fields: tuple[str, ...]
    expires_at: dt.datetime
    token_id: str = ""


class TokenRefused(ValidationFailed):
    pass


def read_token(token: str, *, now: dt.datetime | None = None) -> TokenClaims:
    """Signature (a published display key), type, lifetime; raises ``TokenRefused`` with the reason."""
    if not isinstance(token, str) or len(token) > 2048:
        raise TokenRefused("LICENSE_TOKEN_INVALID", "亮证码无效")
    try:
        parsed = jws.deserialize_compact(token, _keyset(_kid_of(token)), algorithms=["ES256"], registry=_REGISTRY)
        if parsed.protected.get("typ") != TOKEN_TYPE:
            raise TokenRefused("LICENSE_TOKEN_INVALID", "亮证码无效")
        claims = json.loads(parsed.payload)
        identifier, fields = str(claims["lic"]), tuple(str(key) for key in claims["f"])
        issued, expires = int(claims["iat"]), int(claims["exp"])
        token_id = str(claims.get("jti", ""))[:32]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise TokenRefused("LICENSE_TOKEN_INVALID", "亮证码无效或已被篡改") from exc
    moment = int((now or timezone.now()).timestamp())
    if expires - issued > MAX_SECONDS or moment >= expires:
        raise TokenRefused("LICENSE_TOKEN_EXPIRED", "亮证码已过期，请持证人刷新后重新出示")
    if issued > moment + 30:
        raise TokenRefused("LICENSE_TOKEN_INVALID", "亮证码的签发时间不正确")
    return TokenClaims(identifier, fields, dt.datetime.fromtimestamp(expires, tz=dt.UTC), token_id)


_MASKS = {"id": mask_resident_id, "name": mask_name, "address": mask_address}


def _masked(field: dict, value: str) -> str:
    rule = field.get("mask", "")
    if rule == "date":
        return value[:7]  # the month, not the day
    if rule == "partial":
        return value[:2] + "*" * max(0, len(value) - 6) + value[-4:] if len(value) > 6 else "*" * len(value)
    mask = _MASKS.get(rule)
    return mask(value) if mask else value


@dataclass(frozen=True)
class ShownLicense:
    """What a verifier sees: authenticity, the current status, only the disclosed fields (masked)."""

    identifier: str
    type_name: str
    issuer: str
    status: str
    status_label: str
    valid_until: dt.date | None
    fields: list[tuple[str, str]]
    valid_from: dt.date | None = None
    status_reason: str = ""


# The first scan's 用证记录, compiled once; a second worker's insert for the same token meets the
# unique (licence, token) constraint and writes nothing.
_SHOWN_USE = PreparedInsert(LicenseUse, ignore_conflicts=True)
# What ``show`` reads of a licence, run on every scan: the columns it needs only, compiled once
# (compiling the query cost more than running it; measured: ~40% of the scan).
_SHOWN = PreparedRead(
    lambda identifier: License.objects.filter(identifier=identifier)
    .order_by()  # the identifier is unique: no ORDER BY (the model's default ordering)
    .values_list(
        "pk", "identifier", "status", "status_reason", "valid_from", "valid_until", "surface",
        "license_type__name", "license_type__fields", "issuer__name",
    )[:1]
)


def show(claims: TokenClaims, *, source: str = "") -> ShownLicense:
    """What the verifier sees. The first scan of a token is a use of the licence: it goes into the
    holder's 用证记录 (channel ``show``) once, whichever web worker answers; later scans of the same
    token record nothing more."""
    found = _SHOWN.rows(claims.identifier)
    if not found:
        raise TokenRefused("LICENSE_TOKEN_INVALID", "亮证码指向的证照不存在")
    pk, identifier, status, status_reason, valid_from, valid_until, surface, type_name, type_fields, issuer = found[0]
    status = effective_status(status, valid_until)
    surface = json.loads(surface)
    chosen = set(claims.fields)
    shown = [  # in the type's order, as on the licence itself
        (field["label"], _masked(field, surface[field["key"]]))
        for field in type_fields
        if field["key"] in chosen and field.get("disclosable") and field["key"] in surface
    ]
    # The cache spares this worker the insert for a token it has seen; the unique (licence, token)
    # constraint makes the record one across workers and nodes' web servers.
    if claims.token_id and cache.add(f"zwfw:licenses:shown:{claims.token_id}", 1, timeout=MAX_SECONDS + 60):
        _SHOWN_USE.insert(
            LicenseUse(
                license_id=pk, used_by=f"亮证核验{(' ' + source) if source else ''}"[:100], purpose="亮证核验",
                channel="show", used_at=timezone.now(), token_id=claims.token_id,
            )
        )
    return ShownLicense(
        identifier=identifier,
        type_name=type_name,
        issuer=issuer,
        status=status,
        status_label=LicenseStatus(status).label,
        valid_until=valid_until,
        fields=shown,
        valid_from=valid_from,
        status_reason=status_reason if status != LicenseStatus.VALID else "",
    )
