"""Reads of 统一电子证照, scoped by who asks.

A person sees their own licences, a minor ward's as guardian, and an enterprise's as its legal
representative or as an agent whose grant covers all items (a grant for listed items does not
name licences, so it shows none); staff see the licences their department issued. Issuance looks up
the licence type by its code and the registered holder by document or credit code, the latter only
for a department (whether someone has an account is personal data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from zwfw.catalog.models import Department
from zwfw.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInstance, lookup_key
from zwfw.identity.agents import Principal, principals_of
from zwfw.identity.indexes import document_index
from zwfw.identity.models import AgentGrant, DocumentType, Enterprise, Person
from zwfw.identity.selectors import live_grant_filter
from zwfw.identity.staff import staff_of
from zwfw.licenses.models import License, LicenseType, LicenseUse, UseGrant

_BASE = ("license_type", "issuer")


def licenses_of(*, person: Person, principal: Principal) -> QuerySet[License]:
    """我的证照 of whom ``person`` acts for (the current, not superseded, versions first)."""
    licenses = License.objects.select_related(*_BASE).order_by("license_type__name", "-version")
    if principal.kind == "self":
        return licenses.filter(holder_person=person)
    allowed = {(p.kind, p.public_id) for p in principals_of(person)}
    if (principal.kind, principal.public_id) not in allowed:
        return licenses.none()
    if principal.kind == "ward":
        return licenses.filter(holder_person__public_id=principal.public_id)
    enterprise = Enterprise.objects.filter(public_id=principal.public_id).first()
    if enterprise is None:
        return licenses.none()
    if enterprise.legal_representative_id == person.pk or AgentGrant.objects.filter(
        live_grant_filter(), enterprise=enterprise, agent=person, all_items=True
    ).exists():
        return licenses.filter(holder_enterprise=enterprise)
    return licenses.none()


def license_of(*, person: Person, principal: Principal, identifier: str) -> License:
    found = licenses_of(person=person, principal=principal).filter(identifier=lookup_key(identifier, max_length=120)).first()
    if found is None:
        raise NotFound("LICENSE_NOT_FOUND", "证照不存在")
    return found


def licenses_issued_by(actor: Any) -> QuerySet[License]:
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        return License.objects.none()
    return License.objects.select_related(*_BASE).filter(issuer_id=staff.department_id)


def uses_of(license: License) -> QuerySet[LicenseUse]:
    """用证记录 of a licence the caller may see (``license_of`` first)."""
    return LicenseUse.objects.filter(license=license).select_related("department").order_by("-used_at", "-id")


def grants_of(license: License) -> QuerySet[UseGrant]:
    return UseGrant.objects.filter(license=license).select_related("department")


def live_use_grant(*, license: License, department_id: int, now) -> UseGrant | None:
    """The holder's live grant to the department, if it is still active (a department deactivated
    since fetches nothing: the same as no grant)."""
    return (
        UseGrant.objects.filter(
            license=license, department_id=department_id, department__is_active=True, revoked_at__isnull=True
        )
        .filter(Q(valid_until__gt=now))
        .order_by("-valid_until")
        .first()
    )


# --- issuance: the type and the holder a request names ------------------------------------------


# Issuance reads the type and the holder on every request: statements compiled once per connection.
_TYPE_BY_CODE = PreparedInstance(LicenseType, lambda code: LicenseType.objects.filter(code=code))
_PERSON_BY_INDEX = PreparedInstance(
    Person, lambda index: Person.objects.filter(document_index=index), related=[("user", None)]
)


def license_type_by_code(code: str) -> LicenseType:
    key = lookup_key(code, max_length=21).upper()
    found = _TYPE_BY_CODE.get(key) if key else None
    if found is None:
        raise NotFound("LICENSE_TYPE_NOT_FOUND", "证照类型不存在", details={"field": "type_code"})
    return found


def _holder_key(*, document_type: str, document_number: str, credit_code: str) -> tuple[str, str]:
    """What a request names its holder by: ("enterprise", the credit code) or ("person", the blind
    index of the document); a request that names none, or wrongly, raised here."""
    if isinstance(credit_code, str) and "\x00" in credit_code:
        raise ValidationFailed("LICENSE_HOLDER_INVALID", "统一社会信用代码不能包含控制字符", details={"field": "holder_credit_code"})
    credit_code = lookup_key(credit_code, max_length=18).upper()
    if credit_code:
        return "enterprise", credit_code
    number = (document_number or "").strip()
    if not number:
        raise ValidationFailed(
            "LICENSE_HOLDER_REQUIRED", "请填写持证者的证件号码或统一社会信用代码", details={"field": "holder_document_number"}
        )
    if document_type not in DocumentType.values:
        raise ValidationFailed("DOCUMENT_TYPE_INVALID", "证件类型不正确", details={"field": "holder_document_type"})
    return "person", document_index(document_type, number[:40])


def _no_holder(kind: str) -> NotFound:
    if kind == "enterprise":
        return NotFound(
            "LICENSE_HOLDER_NOT_FOUND", "未找到使用该统一社会信用代码注册的法人", details={"field": "holder_credit_code"}
        )
    return NotFound("LICENSE_HOLDER_NOT_FOUND", "未找到使用该证件注册的自然人", details={"field": "holder_document_number"})


# an enterprise with its legal representative's account, a person with their account: the holder's
# inbox message is sent to it
def _enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.select_related("legal_representative__user")


def _persons() -> QuerySet[Person]:
    return Person.objects.select_related("user")


def _for_a_department(department: Department | None) -> None:
    """The holder look-ups answer whether someone has an account: only for the department the caller
    established (the issuing department, ``web.issuing_department``; a 代录 clerk's own), never for None."""
    if department is None:
        raise PermissionDenied(
            "LICENSE_HOLDER_LOOKUP_FORBIDDEN", "只有部门工作人员可以按证件号码或统一社会信用代码查找持证者"
        )


def find_holder(
    *, department: Department | None, document_type: str = "", document_number: str = "", credit_code: str = ""
) -> Person | Enterprise:
    """The registered holder: an enterprise by credit code, or a person by document (blind index), for
    ``department``: the issuing department (``web.issuing_department``) or a 代录 clerk's own; None is
    refused (LICENSE_HOLDER_LOOKUP_FORBIDDEN), since the answer tells whether someone has an account.
    A look-up that finds no one raises LICENSE_HOLDER_NOT_FOUND (issuance audits it:
    ``services.look_up_holder``)."""
    _for_a_department(department)
    kind, key = _holder_key(document_type=document_type, document_number=document_number, credit_code=credit_code)
    found = (
        _enterprises().filter(credit_code=key).first() if kind == "enterprise" else _PERSON_BY_INDEX.get(key)
    )
    if found is None:
        raise _no_holder(kind)
    return found


def find_holders(
    named: Sequence[tuple[str, str, str]], *, department: Department | None
) -> list[Person | Enterprise | DomainError]:
    """``find_holder`` for each (document type, document number, credit code), in two queries
    however many: each the holder, or the error ``find_holder`` raises for it. The same guard: for
    ``department``, None refused."""
    _for_a_department(department)
    keys: list[tuple[str, str] | DomainError] = []
    for document_type, document_number, credit_code in named:
        try:
            keys.append(_holder_key(document_type=document_type, document_number=document_number, credit_code=credit_code))
        except DomainError as error:
            keys.append(error)
    wanted = {kind: [key[1] for key in keys if not isinstance(key, DomainError) and key[0] == kind] for kind in ("enterprise", "person")}
    holders: dict[tuple[str, str], Person | Enterprise] = {}
    # in id order, the first kept: the row ``first()`` gives find_holder
    if wanted["enterprise"]:
        for enterprise in _enterprises().filter(credit_code__in=set(wanted["enterprise"])).order_by("pk"):
            holders.setdefault(("enterprise", enterprise.credit_code), enterprise)
    if wanted["person"]:
        for person in _persons().filter(document_index__in=set(wanted["person"])).order_by("pk"):
            holders.setdefault(("person", person.document_index), person)
    return [key if isinstance(key, DomainError) else holders.get(key) or _no_holder(key[0]) for key in keys]
