"""经办人授权 and 监护: on whose behalf a signed-in person may act, and switching to it.

Principals of a person: themself; every enterprise they are the legal representative of; every
enterprise that granted them authority (a live ``AgentGrant``: not revoked, not expired); every
minor they are the live guardian of. The choice lives in the session (``sessions.ACTING_FOR``)
and is re-validated on every use by ``current_principal``: a grant revoked or expired a moment ago
takes effect on the very next request, which then acts for the person themself again.

Minors (decision): a child under 14 may not open an account (个人信息保护法 第31条, see
``accounts.MIN_OWN_ACCOUNT_AGE``), so ``link_ward`` creates the ward's ``Person`` without a login
(``user`` empty) from the population registry; a minor of 14 to 17 may have their own account
and a guardian at the same time. Guardianship ends to count at 18 (民法典 第17条: 成年人).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.identity import sessions
from zwfw.identity.documents import age_on, validate_document
from zwfw.identity.indexes import document_index
from zwfw.identity.models import (
    AgentGrant,
    AssuranceEvent,
    AssuranceLevel,
    AssuranceMethod,
    Enterprise,
    Guardianship,
    Person,
)
from zwfw.identity.registries import population_registry
from zwfw.identity.selectors import (
    enterprises_represented_by,
    grants_to,
    live_grant_filter,
    person_of,
    wards_of,
)
from zwfw.identity.sessions import Principal

MAX_GRANT_YEARS = 3
MAX_ITEM_CODES = 200
ADULT_AGE = 18  # 民法典 第17条
ITEM_CODE_RE = re.compile(r"^[0-9A-Z]{31}$")  # 实施编码 (catalogue)


def _end_of_day(day: dt.date) -> dt.datetime:
    """The grant runs to the end of its last day, Asia/Shanghai."""
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_item_codes(item_codes: list[str]) -> list[str]:
    from zwfw.catalog.selectors import published_items

    codes = sorted({str(c).strip().upper() for c in item_codes if str(c).strip()})
    if not codes:
        raise ValidationFailed(
            "GRANT_ITEMS_REQUIRED",
            "请选择授权全部事项，或列出授权的事项编码",
            details={"field": "item_codes"},
        )
    if len(codes) > MAX_ITEM_CODES:
        raise ValidationFailed(
            "TOO_MANY_ITEMS", f"一次最多授权{MAX_ITEM_CODES}个事项", details={"field": "item_codes"}
        )
    bad = [c for c in codes if not ITEM_CODE_RE.match(c)]
    if bad:
        raise ValidationFailed(
            "INVALID_ITEM_CODE",
            f"事项编码格式不正确（应为31位数字或大写字母）：{bad[0][:40]}",
            details={"field": "item_codes"},
        )
    known = set(published_items().filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in known]
    if missing:
        raise ValidationFailed(
            "UNKNOWN_ITEM_CODE",
            f"未找到已发布的事项：{missing[0]}",
            details={"field": "item_codes", "codes": missing[:10]},
        )
    return codes


def grant_agent(
    *,
    actor: Person,
    enterprise: Enterprise,
    agent_document_type: str,
    agent_document_number: str,
    agent_name: str,
    valid_until: dt.date,
    all_items: bool = False,
    item_codes: list[str] | None = None,
    source_ip: str | None = None,
) -> AgentGrant:
    """The legal representative lets a registered person act for the enterprise until ``valid_until``
    (inclusive, at most three years ahead), for all items or the listed published items.

    The agent is found by document and name together (a wrong name is the same 404 as an unknown
    document: nothing about other people leaks). One live grant per agent and enterprise.
    """
    if enterprise.legal_representative_id != actor.pk:
        raise NotFound("ENTERPRISE_NOT_FOUND", "未找到该法人")
    today = timezone.localdate()
    if not isinstance(valid_until, dt.date) or valid_until <= today:
        raise ValidationFailed(
            "INVALID_GRANT_PERIOD", "授权有效期须晚于今天", details={"field": "valid_until"}
        )
    latest = _add_years(today, MAX_GRANT_YEARS)
    if valid_until > latest:
        raise ValidationFailed(
            "INVALID_GRANT_PERIOD",
            f"授权有效期最长{MAX_GRANT_YEARS}年（至{latest:%Y-%m-%d}）",
            details={"field": "valid_until"},
        )
    codes: list[str] = [] if all_items else _check_item_codes(list(item_codes or []))
    doc = validate_document(agent_document_type, agent_document_number)
    agent = Person.objects.filter(
        document_index=document_index(doc.document_type, doc.number), user__isnull=False, user__is_active=True
    ).first()
    if agent is None or " ".join(agent_name.split()) != agent.name:
        raise NotFound("AGENT_NOT_FOUND", "未找到该经办人：请确认其已注册账号，且姓名和证件号码填写正确")
    if agent.pk == actor.pk:
        raise ValidationFailed(
            "GRANT_TO_SELF", "法定代表人本人无需授权", details={"field": "agent_document_number"}
        )
    try:
        with transaction.atomic():
            Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            if AgentGrant.objects.filter(live_grant_filter(), enterprise=enterprise, agent=agent).exists():
                raise Conflict("GRANT_EXISTS", "该经办人已有有效授权，如需变更请先撤销")
            grant = AgentGrant.objects.create(
                enterprise=enterprise,
                agent=agent,
                all_items=bool(all_items),
                item_codes=codes,
                valid_until=_end_of_day(valid_until),
                granted_by=actor,
            )
            audit.record(
                actor=f"user:{actor.user_id}",
                acting_for=f"enterprise:{enterprise.public_id}",
                action="identity.grant_agent",
                object_type="agent_grant",
                object_id=str(grant.public_id),
                source_ip=source_ip,
                after={"agent": str(agent.public_id), "all_items": grant.all_items, "item_codes": codes},
                details={
                    "agent": str(agent.public_id),
                    "all_items": grant.all_items,
                    "items": len(codes),
                    "valid_until": valid_until,
                },
            )
    except IntegrityError:
        raise Conflict("GRANT_EXISTS", "该经办人已有有效授权，如需变更请先撤销") from None
    return grant


def revoke_grant(*, actor: Person, grant: AgentGrant, source_ip: str | None = None) -> AgentGrant:
    """Revoke at once (the agent's next request no longer acts for the enterprise)."""
    with transaction.atomic():
        locked = AgentGrant.objects.select_for_update().select_related("enterprise").get(pk=grant.pk)
        if locked.enterprise.legal_representative_id != actor.pk:
            raise NotFound("GRANT_NOT_FOUND", "未找到该授权")
        if locked.revoked_at is not None:
            raise Conflict("GRANT_REVOKED", "该授权已撤销")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=f"user:{actor.user_id}",
            acting_for=f"enterprise:{locked.enterprise.public_id}",
            action="identity.revoke_grant",
            object_type="agent_grant",
            object_id=str(locked.public_id),
            source_ip=source_ip,
        )
    return locked


def grant_status(grant: AgentGrant, now: dt.datetime | None = None) -> str:
    """有效 / 已撤销 / 已过期."""
    if grant.revoked_at is not None:
        return "已撤销"
    if grant.valid_until <= (now or timezone.now()):
        return "已过期"
    return "有效"


# ---------------------------------------------------------------------------------------------
# Guardianship (监护)
# ---------------------------------------------------------------------------------------------


def link_ward(
    *,
    guardian: Person,
    ward_document_type: str,
    ward_document_number: str,
    ward_name: str,
    source_ip: str | None = None,
) -> Guardianship:
    """Add a minor whose population record names ``guardian`` as guardian (any mismatch: one 404)."""
    doc = validate_document(ward_document_type, ward_document_number)
    ward_name = " ".join((ward_name or "").split())
    match = population_registry().match_person(doc.document_type, doc.number, ward_name)
    today = timezone.localdate()
    if (
        not match.matched
        or match.guardian_index != guardian.document_index
        or match.birth_date is None
        or age_on(match.birth_date, today) >= ADULT_AGE
    ):
        raise NotFound("WARD_NOT_FOUND", "人口库中未找到您监护的该未成年人：请核对姓名和证件号码")
    index = document_index(doc.document_type, doc.number)
    try:
        with transaction.atomic():
            ward = Person.objects.select_for_update().filter(document_index=index).first()
            if ward is None:
                ward = Person.objects.create(
                    user=None,
                    document_type=doc.document_type,
                    document_number=doc.number,
                    document_index=index,
                    name=ward_name,
                    birth_date=match.birth_date,
                    assurance_level=AssuranceLevel.REGISTRY_MATCHED,
                )
                AssuranceEvent.objects.create(
                    person=ward,
                    level=AssuranceLevel.REGISTRY_MATCHED,
                    method=AssuranceMethod.REGISTRY,
                    note="由监护人添加，经人口库比对监护关系",
                )
            if Guardianship.objects.filter(guardian=guardian, ward=ward, ended_at__isnull=True).exists():
                raise Conflict("WARD_EXISTS", "已添加该未成年人")
            link = Guardianship.objects.create(guardian=guardian, ward=ward)
            audit.record(
                actor=f"user:{guardian.user_id}",
                acting_for=f"ward:{ward.public_id}",
                action="identity.link_ward",
                object_type="guardianship",
                object_id=str(link.pk),
                source_ip=source_ip,
            )
    except IntegrityError:
        raise Conflict("WARD_EXISTS", "已添加该未成年人") from None
    return link


# ---------------------------------------------------------------------------------------------
# Principals and acting for one
# ---------------------------------------------------------------------------------------------


def self_principal(user: Any) -> Principal:
    person = person_of(user)
    if person is not None:
        return Principal(kind="self", public_id=str(person.public_id), name=person.name)
    staff = getattr(user, "staff", None) if user is not None else None
    name = staff.name if staff is not None else (user.get_username() if user is not None else "")
    return Principal(kind="self", public_id=str(getattr(user, "pk", "")), name=name)


def principals_of(person: Person, *, now: dt.datetime | None = None) -> list[Principal]:
    """Self, then enterprises (as legal representative or by a live grant), then minor wards."""
    now = now or timezone.now()
    result = [Principal(kind="self", public_id=str(person.public_id), name=person.name)]
    seen: set[str] = set()
    for enterprise in enterprises_represented_by(person):
        seen.add(str(enterprise.public_id))
        result.append(Principal(kind="enterprise", public_id=str(enterprise.public_id), name=enterprise.name))
    for grant in grants_to(person, now=now):
        key = str(grant.enterprise.public_id)
        if key not in seen:
            seen.add(key)
            result.append(Principal(kind="enterprise", public_id=key, name=grant.enterprise.name))
    today = timezone.localtime(now).date()
    for ward in wards_of(person):
        if ward.birth_date is not None and age_on(ward.birth_date, today) < ADULT_AGE:
            result.append(Principal(kind="ward", public_id=str(ward.public_id), name=ward.name))
    return result


def _find(principals: list[Principal], kind: object, public_id: object) -> Principal | None:
    for principal in principals:
        if principal.kind == kind and principal.public_id == str(public_id):
            return principal
    return None


def current_principal(request: HttpRequest) -> Principal:
    """Whom the signed-in user acts for now, re-checked against live grants; stale choices are dropped."""
    user = request.user
    person = person_of(user)
    raw = sessions.acting_for(request)
    if person is None or not isinstance(raw, dict):
        return self_principal(user)
    principal = _find(principals_of(person), raw.get("kind"), raw.get("public_id"))
    if principal is None or principal.kind == "self":
        request.session.pop(sessions.ACTING_FOR, None)
        return self_principal(user)
    return principal


def act_as(*, request: HttpRequest, kind: str, public_id: str) -> Principal:
    """Switch whom the signed-in person acts for (``self`` goes back to themself); audited."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied("NOT_A_PERSON", "工作人员账号不能切换办事身份")
    principal = _find(principals_of(person), kind, public_id)
    if principal is None:
        raise NotFound("PRINCIPAL_NOT_FOUND", "您不能以该身份办事，授权可能已撤销或过期")
    if principal.kind == "self":
        request.session.pop(sessions.ACTING_FOR, None)
    else:
        request.session[sessions.ACTING_FOR] = {
            "kind": principal.kind,
            "public_id": principal.public_id,
            "name": principal.name,
        }
    audit.record(
        actor=f"user:{request.user.pk}",
        acting_for=principal.audit_label,
        action="identity.act_as",
        object_type=principal.kind,
        object_id=principal.public_id,
        source_ip=sessions.client_ip(request),
    )
    return principal


def item_authorised(*, person: Person, principal: Principal, item_code: str) -> bool:
    """May ``person`` handle ``item_code`` for ``principal``? (used when a case is submitted)."""
    if principal.kind == "self":
        return principal.public_id == str(person.public_id)
    if principal.kind == "ward":
        return _find(principals_of(person), "ward", principal.public_id) is not None
    enterprise = Enterprise.objects.filter(public_id=principal.public_id).first()
    if enterprise is None:
        return False
    if enterprise.legal_representative_id == person.pk:
        return True
    return any(
        g.all_items or item_code in g.item_codes
        for g in AgentGrant.objects.filter(live_grant_filter(), enterprise=enterprise, agent=person)
    )
