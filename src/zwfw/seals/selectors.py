"""Reads of the seal module, scoped by who asks.

A platform administrator sees every seal and request; other staff see their own department's;
citizens and visitors see none of the registry, only a seal's public facts (``public_seal``: name,
department, status, validity), the published documents and verification results.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from zwfw.core.errors import NotFound
from zwfw.identity.staff import is_platform_admin, staff_of
from zwfw.seals.models import Seal, SealRequest, SealUsage, SignedDocument

SEAL_CODE_LENGTH = 13  # 印章编码: 6-digit region code + 7-digit sequence


def seals_visible_to(actor: Any) -> QuerySet[Seal]:
    seals = Seal.objects.select_related("department").order_by("department__sort_order", "code")
    if is_platform_admin(actor):
        return seals
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        return seals.none()
    return seals.filter(department_id=staff.department_id)


def _by_code(seals: QuerySet[Seal], code: str) -> Seal:
    # A code longer than 13 characters names no seal; cutting it down would answer for another code.
    code = str(code) if isinstance(code, str) else ""
    seal = seals.filter(code=code).first() if 0 < len(code) <= SEAL_CODE_LENGTH and "\x00" not in code else None
    if seal is None:
        raise NotFound("SEAL_NOT_FOUND", "印章不存在")
    return seal


def seal_for(actor: Any, code: str) -> Seal:
    return _by_code(seals_visible_to(actor), code)


def public_seal(code: str) -> Seal:
    """A seal's public facts, for anyone checking a document (the registry behind it stays scoped)."""
    return _by_code(Seal.objects.select_related("department"), code)


def requests_visible_to(actor: Any) -> QuerySet[SealRequest]:
    requests = SealRequest.objects.select_related("department")
    if is_platform_admin(actor):
        return requests
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        return requests.none()
    return requests.filter(department_id=staff.department_id)


def request_for(actor: Any, public_id: str) -> SealRequest:
    try:
        found = requests_visible_to(actor).filter(public_id=public_id).first()
    except (ValidationError, ValueError):  # a malformed UUID is the same as a missing one
        found = None
    if found is None:
        raise NotFound("SEAL_REQUEST_NOT_FOUND", "制章申请不存在")
    return found


def usages_of(actor: Any, seal: Seal) -> QuerySet[SealUsage]:
    """用章记录 of a seal the actor can see (seal_for first)."""
    return SealUsage.objects.filter(seal=seal).order_by("-signed_at", "-id")


def public_documents() -> QuerySet[SignedDocument]:
    return SignedDocument.objects.filter(is_public=True).select_related("seal", "seal__department")


def public_document(public_id: str) -> SignedDocument:
    try:
        found = public_documents().filter(public_id=public_id).first()
    except (ValidationError, ValueError):
        found = None
    if found is None:
        raise NotFound("DOCUMENT_NOT_FOUND", "文件不存在")
    return found
