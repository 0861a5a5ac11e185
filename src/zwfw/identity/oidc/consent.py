"""授权同意: which clients a person let have which scopes, and taking that back.

One live ``Consent`` row per (user, client) lists the granted scopes; a request for a scope not
yet granted shows the consent screen again. Revoking a consent also revokes every token the
client holds for the person (refresh tokens marked revoked, access tokens deleted, so their
JWTs go on the revocation list through ``zwfw.identity.oidc.revocation``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_id_token_model, get_refresh_token_model

from zwfw.core import audit
from zwfw.core.errors import NotFound
from zwfw.identity.models import Consent


def consents_of(*, user: Any) -> QuerySet[Consent]:
    """The live consents of ``user`` (scoped: nobody sees another person's)."""
    return (
        Consent.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("application")
        .order_by("-granted_at", "-id")
    )


def live_consent(*, user: Any, application: Any) -> Consent | None:
    return Consent.objects.filter(user=user, application=application, revoked_at__isnull=True).first()


def covers(consent: Consent | None, scopes: list[str]) -> bool:
    return consent is not None and set(scopes) <= set(consent.scopes)


def grant_consent(*, user: Any, application: Any, scopes: list[str], source_ip: str | None = None) -> Consent:
    """Record that ``user`` let ``application`` have ``scopes`` (added to what it already had)."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(user=user, application=application, revoked_at__isnull=True)
            .first()
        )
        before = sorted(consent.scopes) if consent else []
        merged = sorted(set(before) | set(scopes))
        if consent is None:
            consent = Consent.objects.create(
                user=user, application=application, scopes=merged, granted_at=timezone.now()
            )
        elif merged != before:
            consent.scopes = merged
            consent.granted_at = timezone.now()
            consent.save(update_fields=["scopes", "granted_at"])
        else:
            return consent
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.consent_granted",
            object_type="consent",
            object_id=str(consent.public_id),
            before={"scopes": before},
            after={"scopes": merged},
            source_ip=source_ip,
            details={"client_id": application.client_id, "scopes": merged},
        )
    return consent


def revoke_client_tokens(*, user: Any, application: Any) -> int:
    """Revoke every refresh, access and ID token ``application`` holds for ``user``; returns how many."""
    refresh_model = get_refresh_token_model()
    access_model = get_access_token_model()
    count = 0
    for refresh in refresh_model.objects.filter(user=user, application=application, revoked__isnull=True):
        refresh.revoke()
        count += 1
    # Deleting row by row fires post_delete, which puts each JWT on the revocation list.
    for access in access_model.objects.filter(user=user, application=application):
        access.delete()
        count += 1
    get_id_token_model().objects.filter(user=user, application=application).delete()
    return count


def revoke_consent(*, user: Any, consent_id: uuid.UUID | str, source_ip: str | None = None) -> Consent:
    """Withdraw one of ``user``'s consents and the client's tokens for them; 404 for anyone else's."""
    try:
        public_id = uuid.UUID(str(consent_id))
    except ValueError as exc:
        raise NotFound("CONSENT_NOT_FOUND", "授权记录不存在") from exc
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .select_related("application")
            .filter(public_id=public_id, user=user, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            raise NotFound("CONSENT_NOT_FOUND", "授权记录不存在")
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        revoked = revoke_client_tokens(user=user, application=consent.application)
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.consent_revoked",
            object_type="consent",
            object_id=str(consent.public_id),
            before={"scopes": consent.scopes, "revoked": False},
            after={"scopes": consent.scopes, "revoked": True},
            source_ip=source_ip,
            details={"client_id": consent.application.client_id, "tokens_revoked": revoked},
        )
    return consent
