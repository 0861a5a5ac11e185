"""Accounts behind an identifier: the blind index of what was typed, the account it names, where
its SMS codes go and which second factors it has."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from zwfw.core.crypto import blind_index
from zwfw.identity import totp
from zwfw.identity.authn.common import MOBILE_RE, RESIDENT_ID_RE
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import DocumentType, Person, StaffMember


def identifier_index(identifier: str, document_type: str = "") -> str:
    """The blind index recorded for what was typed (never the identifier itself).

    The forms that name one account the same way (a 居民身份证 number typed with or without its
    type, a mobile number with either) give one index, so a lock of an unknown identifier reaches
    exactly what the lock of a real account would: a different answer would tell that it exists.
    """
    value = (identifier or "").strip().upper()
    if document_type in ("", DocumentType.RESIDENT_ID):
        if MOBILE_RE.match(value):
            document_type = "mobile"
        elif RESIDENT_ID_RE.match(value):
            document_type = DocumentType.RESIDENT_ID
    return blind_index(f"{document_type}:{value}", purpose="login")


def is_staff_user(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or StaffMember.objects.filter(user=user).exists())


def _active_user(people: QuerySet[Person]) -> Any | None:
    person = people.select_related("user").first()
    user = person.user if person is not None else None
    return user if user is not None and user.is_active else None


def find_account(identifier: str, document_type: str = "") -> Any | None:
    """The active account an identifier names, or None (unknown, ambiguous or inactive)."""
    value = (identifier or "").strip()
    if not value or len(value) > 150 or any(ord(c) < 32 for c in value):
        return None
    user_model = get_user_model()
    if document_type and document_type != DocumentType.RESIDENT_ID:
        if document_type not in DocumentType.values:
            return None
        return _active_user(Person.objects.filter(document_index=document_index(document_type, value)))
    if MOBILE_RE.match(value):
        return _active_user(Person.objects.filter(mobile_index=mobile_index(value)))
    if RESIDENT_ID_RE.match(value.upper()):
        index = document_index(DocumentType.RESIDENT_ID, value)
        return _active_user(Person.objects.filter(document_index=index))
    if document_type:
        return None
    # A username signs in staff and administrators only (people use their mobile or document number).
    staff_q = Q(is_staff=True) | Q(is_superuser=True) | Q(staff__isnull=False)
    return user_model.objects.filter(staff_q, username=value, is_active=True).distinct().first()


def account_mobile(user: Any) -> str:
    """Where an SMS code for this account goes: the staff mobile for staff, else the person's."""
    staff = StaffMember.objects.filter(user=user, is_active=True).first()
    if staff is not None and staff.mobile:
        return staff.mobile
    person = Person.objects.filter(user=user).first()
    return person.mobile if person is not None else ""


def second_factors(user: Any, used: list[str]) -> list[str]:
    """What may complete a sign-in begun with ``used``: ``otp`` (TOTP app) and/or ``sms``."""
    options = []
    if totp.has_totp(user):
        options.append("otp")
    if "sms" not in used and account_mobile(user):
        options.append("sms")
    return options


def second_factor_required(user: Any) -> bool:
    """Staff always; a person who enabled TOTP for their own sign-in too."""
    return is_staff_user(user) or totp.has_totp(user)
