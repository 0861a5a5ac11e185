"""Claims the provider releases: the pairwise ``sub`` and the claims of each scope.

OpenID Connect Core 1.0 §8.1 (pairwise identifiers): ``sub`` is an HMAC of the client's sector
identifier and the user's stable id under a key derived from the node's field key
(``zwfw.core.crypto.blind_index`` with its own purpose), so it survives a SECRET_KEY rotation, and
two clients of different sectors cannot correlate a person. Each subject is stored in
``PairwiseSubject`` so an access token's ``sub`` maps back to its user with one indexed query.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import router
from django.utils import timezone

from zwfw.core.crypto import blind_index
from zwfw.identity.models import ClientProfile, PairwiseSubject, Person, SubjectType
from zwfw.identity.oidc import plainsql

PUBLIC_SECTOR = "public"

# Which claim belongs to which scope (OIDC Core §5.4 for profile/phone; zwfw scopes after).
CLAIM_SCOPES: dict[str, str] = {
    "name": "profile",
    "assurance_level": "profile",
    "phone_number": "phone",
    "phone_number_verified": "phone",
    "id_number": "idcard",
    "id_document_type": "idcard",
    "entity": "entity",
}

# idcard (the full document number) needs explicit consent and an account at this level or above.
IDCARD_MIN_LEVEL = 3


def default_sector(redirect_uris: list[str]) -> str:
    """The host of the first redirect URI (OIDC Core §8.1 without a sector_identifier_uri)."""
    for uri in redirect_uris:
        host = urlsplit(uri).hostname
        if host:
            return host
    return ""


# client_id -> (monotonic time, sector): token requests ask for it several times; an admin change
# of a client's sector reaches every worker within this many seconds.
_SECTOR_TTL_SECONDS = 60.0
_sectors: dict[str, tuple[float, str]] = {}


# (sector, user id) pairs whose PairwiseSubject row this process has seen or written.
_recorded: set[tuple[str, Any]] = set()


def sector_of(application: Any) -> str:
    """The sector of a client; a ``public`` subject type shares one sector for every client."""
    client_id = str(getattr(application, "client_id", ""))
    now = time.monotonic()
    cached = _sectors.get(client_id)
    if cached is not None and now - cached[0] < _SECTOR_TTL_SECONDS:
        return cached[1]
    profile = ClientProfile.objects.filter(application=application).first()
    if profile is None:
        sector = default_sector(str(getattr(application, "redirect_uris", "")).split())
    elif profile.subject_type == SubjectType.PUBLIC:
        sector = PUBLIC_SECTOR
    else:
        sector = profile.sector_identifier
    if len(_sectors) > 10_000:
        _sectors.clear()
    _sectors[client_id] = (now, sector)
    return sector


def subject_for(user: Any, application: Any) -> str:
    """The ``sub`` of ``user`` as seen by ``application``; recorded for the reverse lookup."""
    sector = sector_of(application)
    subject = blind_index(f"{sector}\x00{user.pk}", purpose="oidc-pairwise-sub")
    if (sector, user.pk) in _recorded:  # rows are never changed: once seen, no query (every refresh)
        return subject
    # One row per (sector, user); get_or_create keeps concurrent first sign-ins consistent.
    PairwiseSubject.objects.get_or_create(sector_identifier=sector, user=user, defaults={"subject": subject})
    if len(_recorded) > 100_000:
        _recorded.clear()
    _recorded.add((sector, user.pk))
    return subject


def subject_for_request(request: Any) -> str:
    """``subject_for`` once per oauthlib request (the access token and the ID token share it)."""
    cached = getattr(request, "zwfw_subject", None)
    if cached is None:
        cached = subject_for(request.user, request.client)
        request.zwfw_subject = cached
    return cached


def _user_by_subject(qn: Any) -> str:
    """FROM/WHERE of user_for_subject: the subject's user, and their person if they have one."""
    subject, user, person = PairwiseSubject._meta, get_user_model()._meta, Person._meta
    user_pk = f"u.{qn(user.pk.column)}"
    return (
        f"FROM {qn(subject.db_table)} s"
        f" JOIN {qn(user.db_table)} u ON {user_pk} = s.{qn(subject.get_field('user').column)}"
        f" LEFT JOIN {qn(person.db_table)} p ON p.{qn(person.get_field('user').column)} = {user_pk}"
        f" WHERE s.{qn(subject.get_field('subject').column)} = %s LIMIT 1"
    )


def user_for_subject(subject: str) -> Any | None:
    """The user behind a ``sub`` (its person attached, as select_related would), or None.

    On every bearer request: one indexed statement in plain SQL (zwfw.identity.oidc.plainsql). The
    ORM's compilation of the same select_related query took 60% of an API read.
    """
    user_model = get_user_model()
    found = plainsql.prepare(
        router.db_for_read(PairwiseSubject), (("u", user_model), ("p", Person)), _user_by_subject
    ).first([subject])  # the subject is unique in practice (an HMAC per sector)
    if not found or found[0] is None or not found[0].is_active:
        return None
    user, person = found
    reverse_person: Any = user_model._meta.get_field("person")  # a reverse one-to-one (stubs type it loosely)
    reverse_person.set_cached_value(user, person)  # user.person, None too: no query
    if person is not None:
        Person._meta.get_field("user").set_cached_value(person, user)
    return user


@dataclass(frozen=True)
class AuthContext:
    """How the user was signed in when the client got its grant: carried from code to tokens."""

    acr: int
    amr: list[str]
    auth_time: int
    acting_for: dict | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "acr": self.acr,
            "amr": list(self.amr),
            "auth_time": self.auth_time,
            "acting_for": self.acting_for,
        }

    @classmethod
    def from_dict(cls, data: Any) -> AuthContext | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                acr=int(data.get("acr", 0)),
                amr=[str(m) for m in data.get("amr", [])],
                auth_time=int(data.get("auth_time", 0)),
                acting_for=data.get("acting_for") if isinstance(data.get("acting_for"), dict) else None,
            )
        except (TypeError, ValueError):
            return None


def _entity_claim(user: Any, acting_for: dict | None) -> dict | None:
    """The enterprise the user acts for and the scope of the grant, re-checked now."""
    if not acting_for or acting_for.get("kind") != "enterprise":
        return None
    from zwfw.identity.models import AgentGrant, Enterprise

    try:
        public_id = uuid.UUID(str(acting_for.get("public_id")))
    except ValueError:
        return None
    enterprise = Enterprise.objects.filter(public_id=public_id).first()
    if enterprise is None:
        return None
    person = getattr(user, "person", None)
    if person is None:
        return None
    if enterprise.legal_representative_id == person.pk:
        return {
            "id": str(enterprise.public_id),
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "role": "legal_representative",
            "all_items": True,
            "item_codes": [],
            "valid_until": None,
        }
    now = timezone.now()
    grant = (
        AgentGrant.objects.filter(
            enterprise=enterprise, agent=person, revoked_at__isnull=True, valid_until__gt=now
        )
        .order_by("-valid_until")
        .first()
    )
    if grant is None:
        return None
    return {
        "id": str(enterprise.public_id),
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "role": "agent",
        "all_items": grant.all_items,
        "item_codes": list(grant.item_codes),
        "valid_until": int(grant.valid_until.timestamp()),
    }


def scope_claims(user: Any, scopes: list[str] | set[str], context: AuthContext | None) -> dict[str, Any]:
    """The claims of the granted ``scopes`` (ID token and userinfo give the same)."""
    granted = set(scopes)
    claims: dict[str, Any] = {}
    person = getattr(user, "person", None) if user is not None else None
    staff = getattr(user, "staff", None) if person is None and user is not None else None
    if "profile" in granted:
        if person is not None:
            claims["name"] = person.name
            claims["assurance_level"] = int(person.assurance_level)
        elif staff is not None:
            claims["name"] = staff.name
    if "phone" in granted and person is not None and person.mobile:
        # OIDC Core §5.1: E.164 when possible; mainland numbers carry +86.
        claims["phone_number"] = f"+86{person.mobile}"
        claims["phone_number_verified"] = True
    if "idcard" in granted and person is not None and int(person.assurance_level) >= IDCARD_MIN_LEVEL:
        claims["id_number"] = person.document_number
        claims["id_document_type"] = person.document_type
    if "entity" in granted:
        entity = _entity_claim(user, context.acting_for if context else None)
        if entity is not None:
            claims["entity"] = entity
    return claims


def as_timestamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())
