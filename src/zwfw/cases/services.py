"""办件 services: every write of a case, one transaction each, audited in the same transaction.

Applicants (a person for themselves, or for an enterprise they represent or hold a live agent grant
for) save drafts, submit, correct and withdraw. Window clerks of the item's department pre-review:
accept, refuse with a reason, or ask for every correction at once (一次性告知); the clerks of a hall's
comprehensive window (一窗) enter, pre-review and hand out (办结) the items of every department of the
hall, whose own staff approve (后台分类审批). Step assignees (the step's department and role) act on
steps in order; the decision step's assignee decides once.
A failed call raises a ``DomainError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from zwfw.appointments.selectors import hall_departments_of
from zwfw.cases import clock, forms, states, uploads
from zwfw.cases.models import (
    Case,
    CaseComment,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Channel,
    ClockEntry,
    ClockKind,
    CorrectionNotice,
    Decision,
    DocumentKind,
    ItemForm,
    ItemStep,
    MaterialKind,
    Outcome,
    Procedure,
    StepKind,
    StepStatus,
)
from zwfw.cases.numbers import allocate_case_number
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import (
    HandlingType,
    ImplementationItem,
    ItemStatus,
    Material,
    MaterialRequirement,
    MaterialSource,
)
from zwfw.core import audit
from zwfw.core.audit import digest
from zwfw.core.calendar import CalendarNotLoaded, as_local_date, current_calendar
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedRead
from zwfw.identity.models import AgentGrant, Enterprise, Person, StaffRole
from zwfw.identity.selectors import live_grant_filter, person_of
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses.models import License, LicenseStatus, LicenseType
from zwfw.licenses.services import Issuer, issue_license
from zwfw.notifications.models import Channel as MessageChannel
from zwfw.notifications.services import queue_message, send_message
from zwfw.seals.documents import render_notice_pdf
from zwfw.seals.models import Seal, SealKind, SealStatus
from zwfw.seals.signing import SigningActor, sign_pdf

MAX_REASON = 500
MAX_KEY = 80
MAX_MATERIALS = 50
SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.MOBILE, Channel.TERMINAL)
ENTERING_ROLES: dict[str, str] = {Channel.WINDOW: StaffRole.WINDOW_CLERK, Channel.HOTLINE: StaffRole.HOTLINE_AGENT}

logger = logging.getLogger(__name__)


# --- helpers ------------------------------------------------------------------------------------


def _label(user: Any) -> str:
    staff = staff_of(user)
    if staff is not None:
        return f"staff:{staff.public_id}"
    person = person_of(user)
    return f"person:{person.public_id}" if person is not None else "anonymous"


def _text(value: object, *, field: str, what: str, required: bool = True, limit: int = MAX_REASON) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed("CASE_REASON_REQUIRED", f"请填写{what}", details={"field": field})
    if len(text) > limit or "\x00" in text:
        raise ValidationFailed("CASE_TEXT_INVALID", f"{what}过长或含有非法字符", details={"field": field})
    return text


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("item", "department", "applicant", "enterprise").get(
        pk=case.pk
    )


# every write of a case adds an event, and every submission without a draft a case: compiled once
# per connection
_CASE_EVENT = PreparedInsert(CaseEvent)
_CASE = PreparedInsert(Case)


def _event(case: Case, *, action: str, before: str, actor: str, note: str = "", now: dt.datetime) -> None:
    _CASE_EVENT.insert(CaseEvent(
        case=case, action=action, status_before=before, status_after=case.status, actor=actor, note=note[:1000], at=now
    ))
    audit.record(
        actor=actor,
        action=f"cases.{action}",
        object_type="cases.Case",
        object_id=case.pk,
        before={"status": before},
        after={"status": case.status, "form": digest(case.form_data)},
        details={"number": case.number or "", "note": note[:200]},
    )


def _notify(case: Case, text: str) -> None:
    """站内信 and SMS to the applicant (the person who applied; for an enterprise also its legal
    representative), written with the change: the worker sends the SMS once it has committed."""
    people = [case.applicant]
    if case.enterprise is not None and case.enterprise.legal_representative_id != case.applicant_id:
        people.append(case.enterprise.legal_representative)
    for person in people:
        if person.user is not None:
            send_message(channel=MessageChannel.INBOX, purpose="case", to_user=person.user, subject="办件通知", body=text)
        if person.mobile:
            queue_message(channel=MessageChannel.SMS, purpose="case", to_address=person.mobile,
                          body=f"【政务服务】{text}"[:300])


def _name(case: Case) -> str:
    return f"您申请的“{case.item.name}”（办件编号{case.number}）"


def _require_person(actor: Any) -> Person:
    person = person_of(actor)
    if person is None:
        raise PermissionDenied("CASE_APPLICANT_ONLY", "只有申请人本人可以进行此操作")
    return person


def _grant_for(person: Person, enterprise: Enterprise, item: ImplementationItem) -> AgentGrant | None:
    """The live grant letting ``person`` act for ``enterprise`` on ``item`` (None: not allowed)."""
    for grant in AgentGrant.objects.filter(live_grant_filter(), enterprise=enterprise, agent=person):
        if grant.all_items or item.code in (grant.item_codes or []):
            return grant
    return None


def _acting_for(person: Person, enterprise: Enterprise | None, item: ImplementationItem) -> AgentGrant | None:
    """Check that ``person`` may apply for ``enterprise``: its legal representative or an agent."""
    if enterprise is None or enterprise.legal_representative_id == person.pk:
        return None
    grant = _grant_for(person, enterprise, item)
    if grant is None:
        raise PermissionDenied("CASE_NOT_AUTHORISED_FOR_ENTERPRISE", "您未获该法人授权办理此事项")
    return grant


def _check_applicant(actor: Any, case: Case) -> Person:
    """The actor is the case's applicant and (for an enterprise case) still allowed to act for it.

    Only the person who applied acts on a case (edits, uploads, corrections, withdrawal): the legal
    representative and the agents of an enterprise see all of its cases they may act for
    (selectors.cases_of_applicant) but do not act on one another's, and are told so (403); anyone
    else finds no case (404)."""
    person = _require_person(actor)
    if case.enterprise is None:
        sees = case.applicant_id == person.pk
    else:
        sees = case.enterprise.legal_representative_id == person.pk or (
            _grant_for(person, case.enterprise, case.item) is not None
        )
    if not sees:
        raise NotFound("CASE_NOT_FOUND", "未找到该办件")
    if case.applicant_id != person.pk:
        raise PermissionDenied("CASE_APPLICANT_ONLY", "该办件由本单位的其他人员提交，只有提交申请的本人可以撤回、修改或补正")
    return person


def _check_department_staff(actor: Any, case: Case, *roles: str) -> None:
    """Staff of the case's department with one of ``roles``; anyone else is refused."""
    staff = staff_of(actor)
    if staff is None or staff.department_id != case.department_id:
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门工作人员可以办理该办件")
    if not any(has_role(actor, role) for role in roles):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "您没有办理此环节的权限")


def serves_at_window(actor: Any, department_id: int) -> bool:
    """一窗: a window clerk of ``department_id``, or of the comprehensive window of a hall the department
    sits in (the hall's clerks enter, accept and hand out any item of the hall's departments)."""
    staff = staff_of(actor)
    if staff is None or not has_role(actor, StaffRole.WINDOW_CLERK):
        return False
    return staff.department_id == department_id or hall_departments_of(actor).filter(pk=department_id).exists()


def _check_clerk(actor: Any, case: Case) -> None:
    """一窗受理: a window clerk of the case's department, or of a hall the department sits in; once the
    pre-review was reassigned, only the assignee."""
    staff = staff_of(actor)
    if staff is None or (
        staff.department_id != case.department_id
        and not hall_departments_of(actor).filter(pk=case.department_id).exists()
    ):
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门或综合窗口的工作人员可以受理该办件")
    if not has_role(actor, StaffRole.WINDOW_CLERK):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "只有窗口受理人员可以预审受理")
    if case.assignee_id is not None and case.assignee_id != actor.pk:
        raise PermissionDenied("CASE_ASSIGNED_TO_OTHER", "该办件已改派给其他工作人员")


class _Form(NamedTuple):
    schema: dict[str, Any]
    layout: dict[str, Any]


# read on every submission and every form opened: compiled once per connection
_FORM = PreparedRead(lambda item: ItemForm.objects.filter(item=item).order_by().values_list("schema", "layout"))


def _item_form(item: ImplementationItem) -> _Form | None:
    """The item's form (JSON Schema and layout hints), or None for an item without one."""
    found = _FORM.rows(item.pk)
    return _Form(*found[0]) if found else None


def _checked_form(item: ImplementationItem, data: Any, person: Person, enterprise: Enterprise | None) -> dict[str, Any]:
    """Form data with 免填 fields taken from the verified identity, validated against the item's form."""
    forms.check_form_data(data)
    form = _item_form(item)
    if form is None:
        return dict(data)
    values = {**data, **forms.prefill_values(form.layout, person=person, enterprise=enterprise)}
    problems = forms.validate_form(form.schema, values)
    if problems:
        raise ValidationFailed("CASE_FORM_INVALID", f"表单填写有误：{problems[0]['reason']}", details=problems)
    return values


def _check_item(item: ImplementationItem, channel: str) -> None:
    if item.status != ItemStatus.PUBLISHED:
        raise Conflict("CASE_ITEM_NOT_PUBLISHED", "该事项未发布或已停用，不能申请")
    if channel not in Channel.values:
        raise ValidationFailed("CASE_CHANNEL_INVALID", "不支持的受理渠道", details={"field": "channel"})


def define_form(*, item: ImplementationItem, schema: Any, layout: Any = None) -> ItemForm:
    """Attach the application form to a draft item version (checked: only enforceable forms)."""
    forms.check_schema(schema, layout)
    if item.status != ItemStatus.DRAFT:
        raise Conflict("CASE_FORM_ITEM_PUBLISHED", "已发布的事项版本不能修改表单，请新建版本")
    form, _ = ItemForm.objects.update_or_create(item=item, defaults={"schema": schema, "layout": layout or {}})
    return form


def prefilled_form(*, actor: Any, item: ImplementationItem, enterprise: Enterprise | None = None) -> dict[str, str]:
    """免填: the values a new application of ``actor`` starts with."""
    person = _require_person(actor)
    _acting_for(person, enterprise, item)
    form = _item_form(item)
    return {} if form is None else forms.prefill_values(form.layout, person=person, enterprise=enterprise)


# --- drafts and submission ------------------------------------------------------------------------


def save_draft(
    *,
    actor: Any,
    item: ImplementationItem,
    form_data: Any,
    enterprise: Enterprise | None = None,
    channel: str = Channel.WEB,
    draft: Case | None = None,
) -> Case:
    """Keep a draft (not validated beyond being an object); a new one, or an update of ``draft``."""
    forms.check_form_data(form_data)
    with transaction.atomic():
        person = _require_person(actor)
        if draft is not None:
            case = _locked(draft)
            _check_applicant(actor, case)
            if case.status != CaseStatus.DRAFT:
                raise Conflict("CASE_NOT_DRAFT", "只有草稿可以修改")
            case.form_data = form_data
            case.save(update_fields=["form_data", "updated_at"])
            return case
        _check_item(item, channel)
        if channel not in SELF_SERVICE_CHANNELS:
            raise ValidationFailed("CASE_CHANNEL_INVALID", "窗口和热线申请由工作人员代为录入")
        grant = _acting_for(person, enterprise, item)
        case = Case.objects.create(
            item=item, department=item.department, region_code=item.region_code, applicant=person,
            enterprise=enterprise, agent_grant=grant, channel=channel, form_data=form_data,
        )
        _event(case, action="save_draft", before="", actor=_label(actor), now=timezone.now())
        return case


def enter_for_applicant(
    *,
    actor: Any,
    applicant: Person,
    item: ImplementationItem,
    form_data: Any,
    channel: str = Channel.WINDOW,
    enterprise: Enterprise | None = None,
) -> Case:
    """窗口/热线代录: a clerk enters the application; it is submitted once the applicant confirms it
    (``submit`` with ``draft=``)."""
    role = ENTERING_ROLES.get(channel)
    if role is None:
        raise ValidationFailed("CASE_CHANNEL_INVALID", "代为录入只适用于窗口和热线渠道")
    forms.check_form_data(form_data)
    with transaction.atomic():
        _check_item(item, channel)
        staff = staff_of(actor)
        if staff is None or not has_role(actor, role):
            raise PermissionDenied("CASE_ROLE_REQUIRED", "只有窗口受理人员或热线话务员可以代为录入")
        if channel == Channel.WINDOW and not serves_at_window(actor, item.department_id):
            raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门或综合窗口的工作人员可以代为录入该事项")
        grant = _acting_for(applicant, enterprise, item)
        case = Case.objects.create(
            item=item, department=item.department, region_code=item.region_code, applicant=applicant,
            enterprise=enterprise, agent_grant=grant, channel=channel, form_data=form_data, entered_by=actor,
        )
        _event(case, action="enter_for_applicant", before="", actor=_label(actor), now=timezone.now())
        return case


def _request_digest(item: ImplementationItem, enterprise: Enterprise | None, channel: str, form: dict[str, Any],
                    draft: Case | None) -> str:
    return digest({
        "item": item.pk, "enterprise": enterprise.pk if enterprise else None, "channel": channel, "form": form,
        "draft": draft.pk if draft else None,
    })


# the empty key excluded, so that the partial unique index (non-empty keys) serves the look-up; three
# columns first: most submissions are not replays, and the whole row is only wanted for one
_REPLAY = PreparedRead(
    lambda applicant, key: Case.objects.exclude(idempotency_key="").filter(applicant=applicant, idempotency_key=key)
    .order_by().values_list("pk", "public_id", "request_digest")[:1],
    keys=2,
)


def _replay(person: Person, key: str, request_digest: str) -> Case | None:
    found = _REPLAY.rows(person.pk, key)
    if not found:
        return None
    pk, public_id, digest_of_first = found[0]
    if digest_of_first != request_digest:
        raise Conflict("CASE_IDEMPOTENCY_CONFLICT", "该幂等键已用于另一份申请", details={"case": str(public_id)})
    existing = Case.objects.get(pk=pk)
    existing.replayed = True
    return existing


def _valid_licences(materials: list[Material], person: Person, enterprise: Enterprise | None) -> dict[int, License]:
    """免提交: the holder's valid licence for each of the item's materials taken from an e-licence."""
    wanted = {m.pk: m.license_type_code for m in materials if m.source == MaterialSource.E_LICENSE and m.license_type_code}
    if not wanted:
        return {}
    licences = License.objects.filter(
        license_type__code__in=set(wanted.values()), status=LicenseStatus.VALID, superseded_by__isnull=True,
    )
    licences = licences.filter(holder_enterprise=enterprise) if enterprise else licences.filter(holder_person=person)
    newest: dict[str, License] = {}
    for licence in licences.select_related("license_type").order_by("issued_at"):
        newest[licence.license_type.code] = licence
    return {pk: newest[code] for pk, code in wanted.items() if code in newest}


def _link_licences(case: Case, materials: list[Material], licences: dict[int, License], have: set[int | None]) -> set[int | None]:
    """Link each found licence to the case, unless its material is already there; returns the linked."""
    links = [
        CaseMaterial(case=case, material=m, name=m.name, kind=MaterialKind.LICENSE, license=licences[m.pk])
        for m in materials if m.pk in licences and m.pk not in have
    ]
    CaseMaterial.objects.bulk_create(links)
    return {link.material_id for link in links}


def _current_materials(case: Case) -> list[CaseMaterial]:
    return list(CaseMaterial.objects.filter(case=case, superseded_at__isnull=True))


# every column, so that the rows make whole Material objects (Model.from_db, as a queryset makes them)
_MATERIAL_COLUMNS = tuple(field.attname for field in Material._meta.concrete_fields)
_MATERIALS = PreparedRead(
    lambda item: Material.objects.filter(item=item).order_by("sort_order", "id").values_list(*_MATERIAL_COLUMNS)
)


def _item_materials(item: ImplementationItem) -> list[Material]:
    """The item's materials in their order (read on every submission: a prepared read)."""
    return [Material.from_db(DEFAULT_DB_ALIAS, _MATERIAL_COLUMNS, row) for row in _MATERIALS.rows(item.pk)]


def _check_materials(case: Case, materials: list[Material] | None = None, have: set[int | None] | None = None) -> None:
    """Every required material is there (一次性: all that are missing are named at once).

    Materials from data sharing or issued by a department are fetched by the department, not asked
    of the applicant; an e-licence material is met by the linked licence or by an upload."""
    if have is None:
        have = {m.material_id for m in _current_materials(case)}
    missing = [
        material.name
        for material in (_item_materials(case.item) if materials is None else materials)
        if material.requirement == MaterialRequirement.REQUIRED and material.electronic
        and material.source in (MaterialSource.APPLICANT, MaterialSource.E_LICENSE)
        and material.pk not in have and _applies(material, case)
    ]
    if missing:
        raise ValidationFailed(
            "CASE_MATERIALS_MISSING", "请上传以下必要材料：" + "、".join(missing),
            details=[{"field": "materials", "reason": name} for name in missing],
        )


def _applies(material: Material, case: Case) -> bool:
    """A material listed for some handling variants only is asked when the form names one of them."""
    codes = material.handling_codes or []
    return not codes or case.form_data.get("handling_code") in codes


def add_upload(
    *, actor: Any, case: Case, content: bytes, filename: str = "", material: Material | None = None, name: Any = ""
) -> CaseMaterial:
    """上传材料 to a draft, or to a case waiting for corrections; an upload for a material that already
    has one replaces it (the earlier file stays on record, superseded)."""
    if material is not None and material.item_id != case.item_id:
        raise ValidationFailed("CASE_MATERIAL_UNKNOWN", "该材料不属于此事项", details={"field": "material"})
    label = material.name if material is not None else _text(name or filename, field="name", what="材料名称", limit=200)
    now = timezone.now()
    # the file is checked and written under a temporary name before the transaction (nothing is written
    # on a bad file), put in place only once every check below has passed, and gone again if one fails
    # or the transaction rolls back
    with uploads.staged({"file": content}) as incoming, transaction.atomic():
        case = _locked(case)
        _check_applicant(actor, case)
        if case.status not in (CaseStatus.DRAFT, CaseStatus.CORRECTIONS_REQUESTED):
            raise Conflict("CASE_MATERIALS_LOCKED", "只有草稿或待补正的办件可以上传材料", details={"status": case.status})
        if CaseMaterial.objects.filter(case=case, superseded_at__isnull=True).count() >= MAX_MATERIALS:
            raise ValidationFailed("CASE_TOO_MANY_MATERIALS", f"每个办件最多上传{MAX_MATERIALS}个文件")
        stored = incoming["file"].keep()
        if material is not None:
            CaseMaterial.objects.filter(case=case, material=material, superseded_at__isnull=True).update(superseded_at=now)
        upload = CaseMaterial.objects.create(
            case=case, material=material, name=label, kind=MaterialKind.UPLOAD, path=stored.path,
            sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
        )
        _event(case, action="add_material", before=case.status, actor=_label(actor),
               note=f"{label}（{stored.size}字节，SHA-256 {stored.sha256[:16]}…）", now=now)
        return upload


def remove_upload(*, actor: Any, material: CaseMaterial) -> None:
    """删除材料 from a draft or a case waiting for corrections (the record stays, superseded)."""
    now = timezone.now()
    with transaction.atomic():
        case = _locked(material.case)
        _check_applicant(actor, case)
        if case.status not in (CaseStatus.DRAFT, CaseStatus.CORRECTIONS_REQUESTED):
            raise Conflict("CASE_MATERIALS_LOCKED", "只有草稿或待补正的办件可以删除材料", details={"status": case.status})
        updated = CaseMaterial.objects.filter(pk=material.pk, case=case, kind=MaterialKind.UPLOAD,
                                              superseded_at__isnull=True).update(superseded_at=now)
        if not updated:
            raise NotFound("CASE_MATERIAL_NOT_FOUND", "未找到该材料")
        _event(case, action="remove_material", before=case.status, actor=_label(actor), note=material.name, now=now)


def material_content(material: CaseMaterial) -> bytes:
    """The bytes of an uploaded material (callers reach it through a case the actor may see)."""
    if material.kind != MaterialKind.UPLOAD:
        raise NotFound("CASE_MATERIAL_NOT_FOUND", "该材料是电子证照，没有上传的文件")
    return uploads.read(material.path, material.sha256)


def submit(
    *,
    actor: Any,
    item: ImplementationItem,
    form_data: Any,
    idempotency_key: str,
    enterprise: Enterprise | None = None,
    channel: str = Channel.WEB,
    draft: Case | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """提交: validate the form, take a case number, start the 5-working-day pre-review period.

    A replay (same key, same request) returns the same case; the same key with another request is a
    Conflict. ``draft`` submits a kept draft, or confirms one a clerk entered (window, hotline)."""
    key = _submission_key(idempotency_key)
    person = _require_person(actor)
    if draft is not None:
        item, enterprise, channel = draft.item, draft.enterprise, draft.channel
    form = _checked_form(item, form_data, person, enterprise)
    request_digest = _request_digest(item, enterprise, channel, form, draft)
    now = now or timezone.now()
    # Everything that only reads runs before the transaction: on SQLite a transaction holds the
    # database's one write lock from its first statement, so it should hold only the writes.
    replayed = _replay(person, key, request_digest)
    if replayed is not None:
        return replayed
    _check_item(item, channel)
    grant = None
    if draft is None:
        if channel not in SELF_SERVICE_CHANNELS:
            raise ValidationFailed("CASE_CHANNEL_INVALID", "窗口和热线申请由工作人员代为录入")
        grant = _acting_for(person, enterprise, item)
    materials = _item_materials(item)
    licences = _valid_licences(materials, person, enterprise)
    label = _label(actor)
    have: set[int | None]
    try:
        with transaction.atomic():
            if draft is not None:
                case = _locked(draft)
                _check_applicant(actor, case)
                if case.status != CaseStatus.DRAFT:
                    raise Conflict("CASE_NOT_DRAFT", "该申请已提交")
                have = {m.material_id for m in _current_materials(case)}
            else:
                case = Case(item=item, department=item.department, region_code=item.region_code, applicant=person,
                            enterprise=enterprise, agent_grant=grant, channel=channel)
                have = set()
            states.check(case.status, CaseStatus.SUBMITTED, action="submit")
            before = case.status
            case.form_data = form
            if channel in SELF_SERVICE_CHANNELS:
                _check_materials(case, materials, have | set(licences))
            today = as_local_date(now)
            case.number = allocate_case_number(region_code=item.region_code, day=today).value
            case.status = CaseStatus.SUBMITTED
            case.idempotency_key = key
            case.request_digest = request_digest
            case.submitted_at = now
            case.received_on = today
            case.legal_limit_days = item.legal_limit_days
            case.promised_limit_days = item.promised_limit_days
            if case.pk is None:
                _CASE.insert(case)
            else:
                case.save()
            _link_licences(case, materials, licences, have)
            note = "申请人确认代录申请" if case.entered_by_id else ""
            _event(case, action="submit", before=before, actor=label, note=note, now=now)
            _notify(case, f"{_name(case)}已提交，受理部门将在5个工作日内预审。")
            return case
    except IntegrityError:
        # a concurrent submission with the same key committed first
        replayed = _replay(person, key, request_digest)
        if replayed is None:
            raise
        return replayed


def _submission_key(idempotency_key: Any) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > MAX_KEY or "\x00" in key:
        raise ValidationFailed("CASE_IDEMPOTENCY_KEY_INVALID", "提交必须带有1到80个字符的幂等键",
                               details={"field": "idempotency_key"})
    return key


def confirm_entry(*, actor: Any, draft: Case, idempotency_key: str) -> Case:
    """确认代录: the applicant submits what a window or hotline clerk entered for them, as entered.
    Their own draft is not an entry: they submit it (``submit`` with the draft), with the form they
    send, instead of confirming what is stored."""
    _submission_key(idempotency_key)
    if draft.entered_by_id is None:
        raise Conflict("CASE_NOT_AN_ENTRY", "该申请不是工作人员代为录入的申请，无需确认，请直接提交",
                       details={"case": str(draft.public_id)})
    return submit(actor=actor, item=draft.item, form_data=draft.form_data, idempotency_key=idempotency_key,
                  draft=draft)


# --- sealed notices and decisions ------------------------------------------------------------------


def _applicant_name(case: Case) -> str:
    return case.enterprise.name if case.enterprise is not None else case.applicant.name


def _document(case: Case, kind: str, paragraphs: list[str], *, now: dt.datetime) -> CaseDocument:
    """Fix a notice's content now; the background job renders and seals it after the commit."""
    content = {
        "title": DocumentKind(kind).label,
        "paragraphs": [f"{_applicant_name(case)}：", *paragraphs, f"办件编号：{case.number}"],
        "issuer": case.department.name,
        "issued_on": as_local_date(now).isoformat(),
    }
    document = CaseDocument.objects.create(case=case, kind=kind, content=content, created_at=now)
    transaction.on_commit(_enqueue_sealing)
    return document


def _enqueue_sealing() -> None:
    from zwfw.cases.tasks import seal_case_documents

    seal_case_documents.enqueue()


def _document_seal(case: Case) -> Seal | None:
    """The department's 业务专用章 if it has one, else its 公章."""
    return (
        Seal.objects.filter(department_id=case.department_id, status=SealStatus.ACTIVE,
                            kind__in=[SealKind.SPECIAL, SealKind.OFFICIAL])
        .order_by("-kind", "code")
        .first()
    )


def seal_pending_documents(*, limit: int = 100) -> int:
    """Render and seal the documents waiting for it; returns how many were sealed. A department with
    no usable seal leaves its documents pending, with the reason shown to staff.

    The PDF is rendered outside any transaction (the CJK font subset takes about half a second, and
    on SQLite a write transaction would hold every other writer that long); only the signature and
    the update run in one, with the document row locked so that two workers seal it once."""
    sealed = 0
    pending = list(CaseDocument.objects.filter(sealed_at__isnull=True).order_by("id")
                   .values_list("pk", "case_id", "content")[:limit])
    for pk, case_id, content in pending:
        case = Case.objects.select_related("department").get(pk=case_id)
        seal = _document_seal(case)
        if seal is None:
            CaseDocument.objects.filter(pk=pk, sealed_at__isnull=True).update(error="受理部门没有可用的电子印章")
            continue
        pdf = render_notice_pdf(
            title=content["title"], paragraphs=content["paragraphs"], issuer=content["issuer"],
            issued_on=dt.date.fromisoformat(content["issued_on"]),
        )
        with transaction.atomic():
            document = CaseDocument.objects.select_for_update().filter(pk=pk, sealed_at__isnull=True).first()
            if document is None:
                continue  # another worker sealed it meanwhile
            signed = sign_pdf(actor=SigningActor(system="system:cases"), seal=seal, pdf=pdf,
                              purpose=f"{content['title']}（办件{case.number}）")
            document.pdf = signed
            document.sha256 = hashlib.sha256(signed).hexdigest()
            document.seal_code = seal.code
            document.sealed_at = timezone.now()
            document.error = ""
            document.save()
            sealed += 1
    return sealed


# --- internal comments and reassignment --------------------------------------------------------------


def _check_case_staff(actor: Any, case: Case) -> None:
    """Staff of the case's department, of a department with a step in it, or a clerk of its hall."""
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有办理部门的工作人员可以进行此操作")
    if staff.department_id == case.department_id or CaseStep.objects.filter(
        case=case, department_id=staff.department_id
    ).exists():
        return
    if has_role(actor, StaffRole.WINDOW_CLERK) and hall_departments_of(actor).filter(pk=case.department_id).exists():
        return
    raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有办理部门的工作人员可以进行此操作")


def add_comment(*, actor: Any, case: Case, text: Any, now: dt.datetime | None = None) -> CaseComment:
    """内部意见: seen by staff only, never by the applicant."""
    body = _text(text, field="text", what="意见内容", limit=1000)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_case_staff(actor, case)
        if case.status == CaseStatus.DRAFT:
            raise NotFound("CASE_NOT_FOUND", "未找到该办件")
        comment = CaseComment.objects.create(case=case, author=actor, author_label=_label(actor), text=body,
                                             created_at=now)
        audit.record(actor=_label(actor), action="cases.comment", object_type="cases.Case", object_id=case.pk,
                     details={"number": case.number or "", "comment": comment.pk})
        return comment


def reassign(*, actor: Any, case: Case, to_user: Any, step: CaseStep | None = None,
             now: dt.datetime | None = None) -> Case:
    """改派: the department administrator hands the pre-review (a submitted case) or an active step to
    another member of the department who holds the needed role; then only that person acts on it."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        department_id = step.department_id if step is not None else case.department_id
        staff = staff_of(actor)
        if staff is None or staff.department_id != department_id:
            raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门工作人员可以改派该办件")
        if not has_role(actor, StaffRole.DEPARTMENT_ADMIN):
            raise PermissionDenied("CASE_ROLE_REQUIRED", "只有部门管理员可以改派办件")
        target = staff_of(to_user)
        role = step.role if step is not None else StaffRole.WINDOW_CLERK
        if target is None or target.department_id != department_id or not has_role(to_user, role):
            raise ValidationFailed("CASE_ASSIGNEE_INVALID", f"只能改派给本部门具有“{StaffRole(role).label}”角色的工作人员",
                                   details={"field": "to_staff"})
        if step is not None:
            step = CaseStep.objects.select_for_update().get(pk=step.pk, case=case)
            if step.status != StepStatus.ACTIVE:
                raise Conflict("CASE_STEP_NOT_ACTIVE", "只能改派正在办理的环节", details={"step": step.pk})
            step.assignee = to_user
            step.save(update_fields=["assignee"])
            what = f"{StepKind(step.kind).label}环节"
        else:
            if case.status != CaseStatus.SUBMITTED:
                raise Conflict("CASE_TRANSITION_NOT_ALLOWED", "只有待预审的办件可以改派受理人员",
                               details={"status": case.status})
            case.assignee = to_user
            case.save(update_fields=["assignee", "updated_at"])
            what = "预审受理"
        _event(case, action="reassign", before=case.status, actor=_label(actor), note=f"{what}改派给{target.name}", now=now)
        return case


# --- pre-review at the comprehensive window (一窗) ---------------------------------------------------

def request_corrections(*, actor: Any, case: Case, items: Any, now: dt.datetime | None = None) -> CorrectionNotice:
    """一次性告知 (《行政许可法》第32条): every missing or defective material, in one notice."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed("CASE_CORRECTIONS_EMPTY", "补正告知应一次列明全部需补正的材料", details={"field": "items"})
    listed: list[dict[str, str]] = []
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            raise ValidationFailed("CASE_CORRECTION_INVALID", f"第{i + 1}项补正事项格式有误")
        listed.append({
            "material": _text(entry.get("material"), field=f"items[{i}].material", what=f"第{i + 1}项的材料名称", limit=200),
            "reason": _text(entry.get("reason"), field=f"items[{i}].reason", what=f"第{i + 1}项的补正原因"),
        })
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.CORRECTIONS_REQUESTED, action="request_corrections")
        before = case.status
        case.status = CaseStatus.CORRECTIONS_REQUESTED
        case.save(update_fields=["status", "updated_at"])
        notice = CorrectionNotice.objects.create(case=case, items=listed, issued_by=actor, issued_at=now)
        _document(case, DocumentKind.CORRECTION, [
            f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，需补正下列材料（一次性告知）：",
            *[f"{n}. {e['material']}：{e['reason']}" for n, e in enumerate(listed, 1)],
            "请在网上办事大厅补正后重新提交；补正材料提交之日起重新计算受理期限。",
        ], now=now)
        _event(case, action="request_corrections", before=before, actor=_label(actor),
               note="；".join(f"{e['material']}：{e['reason']}" for e in listed), now=now)
        _notify(case, f"{_name(case)}需补正{len(listed)}项材料：" + "；".join(e["material"] for e in listed)[:300])
        return notice


def correct(*, actor: Any, case: Case, form_data: Any = None, now: dt.datetime | None = None) -> Case:
    """补正: the applicant corrects on line; the 5-working-day pre-review period starts again."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        person = _check_applicant(actor, case)
        states.check(case.status, CaseStatus.SUBMITTED, action="correct")
        if form_data is not None:
            case.form_data = _checked_form(case.item, form_data, person, case.enterprise)
        if case.channel in SELF_SERVICE_CHANNELS:
            _check_materials(case)
        before = case.status
        case.status = CaseStatus.SUBMITTED
        case.received_on = as_local_date(now)
        case.save()
        CorrectionNotice.objects.filter(case=case, corrected_at__isnull=True).update(corrected_at=now)
        _event(case, action="correct", before=before, actor=_label(actor), now=now)
        _notify(case, f"{_name(case)}的补正材料已提交，受理部门将在5个工作日内预审。")
        return case


def _start_clock(case: Case, *, accepted_on: dt.date, actor: str, now: dt.datetime) -> None:
    ClockEntry.objects.create(case=case, seq=1, kind=ClockKind.START, on=accepted_on, at=now, actor=actor)
    _refresh_due_dates(case, today=as_local_date(now))


def _create_steps(case: Case) -> None:
    """The item's steps; 即办件 keep only the decision; with no template, one decision step by the
    item's department approvers. The first stage becomes active."""
    templates = list(ItemStep.objects.filter(item=case.item).order_by("stage", "id"))
    if not any(t.kind == StepKind.DECISION for t in templates):
        last = max((t.stage for t in templates), default=0)
        templates.append(ItemStep(stage=last + 1, kind=StepKind.DECISION, department=case.department,
                                  role=StaffRole.APPROVER))
    immediate = case.item.handling_type == HandlingType.IMMEDIATE
    steps = [
        CaseStep(case=case, stage=t.stage, kind=t.kind, department=t.department, role=t.role,
                 status=StepStatus.SKIPPED if immediate and t.kind != StepKind.DECISION else StepStatus.WAITING)
        for t in templates
    ]
    CaseStep.objects.bulk_create(steps)
    _activate_next_stage(case)


def _activate_next_stage(case: Case) -> None:
    waiting = CaseStep.objects.filter(case=case, status=StepStatus.WAITING)
    if CaseStep.objects.filter(case=case, status=StepStatus.ACTIVE).exists():
        return
    first = waiting.order_by("stage").values_list("stage", flat=True).first()
    if first is not None:
        waiting.filter(stage=first).update(status=StepStatus.ACTIVE)


def _accept(case: Case, *, actor: str, accepted_on: dt.date, now: dt.datetime, deemed: bool) -> None:
    before = case.status
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = now
    case.accepted_on = accepted_on
    case.deemed_accepted = deemed
    case.save()
    _create_steps(case)
    _start_clock(case, accepted_on=accepted_on, actor=actor, now=now)
    _event(case, action="deem_accepted" if deemed else "accept", before=before, actor=actor,
           note="逾期未告知，视为受理" if deemed else "", now=now)
    _document(case, DocumentKind.ACCEPTANCE, [
        f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，"
        + ("本机关未在法定期限内告知补正，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
           if deemed else "申请材料齐全、符合法定形式，本机关决定予以受理。"),
        f"本机关将{_by(case.promised_due_on, case.promised_limit_days)}作出决定"
        f"（法定期限：{_by(case.legal_due_on, case.legal_limit_days)}）。",
    ], now=now)
    _notify(case, f"{_name(case)}已受理，承诺{_by(case.promised_due_on, case.promised_limit_days)}办结。")


def _by(due_on: dt.date | None, limit_days: int) -> str:
    """When a limit ends, for a notice: the date, or the working days when the date is not known yet
    (it falls in a year whose holiday calendar is not imported)."""
    return f"于{due_on:%Y年%m月%d日}前" if due_on else f"在受理之日起{limit_days}个工作日内"


def accept(*, actor: Any, case: Case, now: dt.datetime | None = None) -> Case:
    """受理."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.ACCEPTED, action="accept")
        _accept(case, actor=_label(actor), accepted_on=as_local_date(now), now=now, deemed=False)
        return case


def refuse(*, actor: Any, case: Case, reason: Any, now: dt.datetime | None = None) -> Case:
    """不予受理, with the reason."""
    text = _text(reason, field="reason", what="不予受理的理由")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.REFUSED, action="refuse")
        before = case.status
        case.status = CaseStatus.REFUSED
        case.refusal_reason = text
        case.save()
        _event(case, action="refuse", before=before, actor=_label(actor), note=text, now=now)
        _document(case, DocumentKind.REFUSAL, [
            f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，本机关决定不予受理。",
            f"理由：{text}",
            "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
        ], now=now)
        _notify(case, f"{_name(case)}不予受理，理由：{text}")
        return case


def deem_accepted_overdue(*, now: dt.datetime | None = None) -> list[Case]:
    """《行政许可法》第32条: a submitted case without any notice by the end of the 5th working day after
    receipt counts as accepted on the day the materials were received. Idempotent; one transaction per case."""
    now = now or timezone.now()
    today = as_local_date(now)
    calendar = current_calendar()
    done: list[Case] = []
    candidates = Case.objects.filter(status=CaseStatus.SUBMITTED, received_on__lt=today).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).select_related("item", "department", "applicant", "enterprise").get(pk=pk)
            if case.status != CaseStatus.SUBMITTED or case.received_on is None:
                continue
            try:
                deemed = clock.is_deemed_accepted(case.received_on, today=today, calendar=calendar)
            except CalendarNotLoaded as exc:  # its 5th working day is in a year not imported yet: the others go on
                logger.warning("deemed acceptance of case %s waits: %s", pk, exc.message)
                continue
            if not deemed:
                continue
            _accept(case, actor="system:deemed-acceptance", accepted_on=case.received_on, now=now, deemed=True)
            done.append(case)
    return done


# --- the clock ------------------------------------------------------------------------------------


def _ledger(case: Case) -> list[clock.LedgerEntry]:
    return [
        clock.LedgerEntry(kind=e.kind, on=e.on, days=e.days)  # type: ignore[arg-type]
        for e in ClockEntry.objects.filter(case=case).order_by("seq")
    ]


def _refresh_due_dates(case: Case, *, today: dt.date) -> None:
    """The due dates from the ledger; a due date in a year whose holiday calendar is not imported yet
    is left empty (clock.ClockState.due_not_known) until the next clock change after the import."""
    entries = _ledger(case)
    calendar = current_calendar()
    legal = clock.compute(entries, limit_days=case.legal_limit_days, today=today, calendar=calendar)
    promised = clock.compute(entries, limit_days=case.promised_limit_days, today=today, calendar=calendar)
    if legal.due_not_known or promised.due_not_known:
        logger.warning("case %s: a due date falls in a year whose holiday calendar is not imported", case.pk)
    case.legal_due_on = legal.due_on
    case.promised_due_on = promised.due_on
    case.clock_stopped = not legal.running
    case.extended_days = legal.extension_days
    case.save(update_fields=["legal_due_on", "promised_due_on", "clock_stopped", "extended_days", "updated_at"])
    CaseStep.objects.filter(case=case).update(due_on=case.promised_due_on)  # the queue sorts steps by it


def refresh_unknown_due_dates(*, years: Iterable[int] = (), now: dt.datetime | None = None) -> int:
    """After a year's holiday calendar is imported: the running cases whose legal or promised due date
    was not known (it fell in a year not imported then) get it now, with the steps' dates the queue
    sorts and colours by, and an audit entry each. Runs inside the import's transaction (a receiver of
    ``zwfw.core.calendar.calendar_imported``, connected in ``CasesConfig.ready``); cases whose dates are
    still not known (a later year) are left as they are. Returns how many cases were updated."""
    now = now or timezone.now()
    today = as_local_date(now)
    calendar = current_calendar()
    waiting = (Case.objects.filter(status__in=list(states.CLOCK_STATES), clock_stopped=False, accepted_on__isnull=False)
               .filter(Q(legal_due_on__isnull=True) | Q(promised_due_on__isnull=True)).order_by("pk")
               .values_list("pk", flat=True))
    updated = 0
    for pk in list(waiting):
        case = _locked(Case(pk=pk))
        entries = _ledger(case)
        try:
            legal = clock.compute(entries, limit_days=case.legal_limit_days, today=today, calendar=calendar)
            promised = clock.compute(entries, limit_days=case.promised_limit_days, today=today, calendar=calendar)
        except CalendarNotLoaded:  # today's own year not imported: the next clock change sets them
            continue
        before = {"legal_due_on": _iso(case.legal_due_on), "promised_due_on": _iso(case.promised_due_on)}
        if (legal.due_on, promised.due_on) == (case.legal_due_on, case.promised_due_on):
            continue
        _refresh_due_dates(case, today=today)
        audit.record(
            actor="system:calendar-import", action="cases.due_dates_known", object_type="cases.Case",
            object_id=case.pk, before=before,
            after={"legal_due_on": _iso(case.legal_due_on), "promised_due_on": _iso(case.promised_due_on)},
            details={"number": case.number or "", "years": sorted(years)},
        )
        updated += 1
    return updated


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _ledger_entry(case: Case, *, kind: str, now: dt.datetime, actor: str, procedure: str = "", days: int = 0,
                  reason: str = "") -> ClockEntry:
    seq = (ClockEntry.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1
    entry = ClockEntry.objects.create(case=case, seq=seq, kind=kind, on=as_local_date(now), at=now,
                                      procedure=procedure, days=days, reason=reason, actor=actor)
    _refresh_due_dates(case, today=as_local_date(now))
    return entry


_CLOCK_ROLES = (StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN)


def stop_clock(*, actor: Any, case: Case, procedure: str, reason: Any, now: dt.datetime | None = None) -> ClockEntry:
    """暂停计时 for a special procedure (听证, 检验, 检测, 鉴定, 专家评审) or a correction wait."""
    if procedure not in Procedure.values:
        raise ValidationFailed("CASE_PROCEDURE_INVALID", "不计时的特别程序只能是听证、检验、检测、鉴定、专家评审或补正",
                               details={"field": "procedure"})
    text = _text(reason, field="reason", what="暂停计时的原因")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, *_CLOCK_ROLES)
        if case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_RUNNING", "只有已受理、尚未决定的案件可以暂停计时")
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_ALREADY_STOPPED", "计时已暂停")
        entry = _ledger_entry(case, kind=ClockKind.STOP, now=now, actor=_label(actor), procedure=procedure, reason=text)
        _event(case, action="stop_clock", before=case.status, actor=_label(actor),
               note=f"{Procedure(procedure).label}：{text}", now=now)
        _notify(case, f"{_name(case)}进入{Procedure(procedure).label}程序，所需时间不计入办理时限。")
        return entry


def resume_clock(*, actor: Any, case: Case, now: dt.datetime | None = None) -> ClockEntry:
    """恢复计时."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, *_CLOCK_ROLES)
        if not case.clock_stopped or case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_STOPPED", "计时未暂停，不能恢复")
        entry = _ledger_entry(case, kind=ClockKind.RESUME, now=now, actor=_label(actor))
        _event(case, action="resume_clock", before=case.status, actor=_label(actor),
               note=f"承诺办结期限{case.promised_due_on or '待定（该年度节假日安排尚未导入）'}", now=now)
        due = f"，承诺于{case.promised_due_on:%Y年%m月%d日}前办结" if case.promised_due_on else ""
        _notify(case, f"{_name(case)}恢复计时{due}。")
        return entry


def extend_limit(*, actor: Any, case: Case, days: Any, reason: Any, now: dt.datetime | None = None) -> ClockEntry:
    """延长办理时限 (《行政许可法》第42条): approved by the department's head (department administrator),
    at most 10 working days, once; the applicant is told why."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise ValidationFailed("CASE_EXTENSION_INVALID", f"延长期限应为1到{clock.MAX_EXTENSION_DAYS}个工作日",
                               details={"field": "days"})
    text = _text(reason, field="reason", what="延长期限的理由")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, StaffRole.DEPARTMENT_ADMIN)
        if case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_RUNNING", "只有已受理、尚未决定的案件可以延长期限")
        if ClockEntry.objects.filter(case=case, kind=ClockKind.EXTEND).exists():
            raise Conflict("CASE_ALREADY_EXTENDED", "办理期限只能延长一次")
        entry = _ledger_entry(case, kind=ClockKind.EXTEND, now=now, actor=_label(actor), days=days, reason=text)
        _event(case, action="extend_limit", before=case.status, actor=_label(actor), note=f"延长{days}个工作日：{text}", now=now)
        _notify(case, f"{_name(case)}经批准延长{days}个工作日，理由：{text}")
        return entry


def clock_of(case: Case, *, today: dt.date | None = None, promised: bool = True) -> clock.ClockState:
    """The clock of an accepted case (the promised limit by default, else the legal one)."""
    if case.accepted_on is None:
        raise Conflict("CASE_NOT_ACCEPTED", "案件尚未受理，没有办理时限")
    return clock.compute(
        _ledger(case),
        limit_days=case.promised_limit_days if promised else case.legal_limit_days,
        today=today or timezone.localdate(),
        calendar=current_calendar(),
    )


# --- approval steps and the decision -----------------------------------------------------------------


def _locked_step(step: CaseStep) -> tuple[Case, CaseStep]:
    case = _locked(step.case)
    return case, CaseStep.objects.select_for_update().get(pk=step.pk)


def _check_step(actor: Any, case: Case, step: CaseStep) -> None:
    staff = staff_of(actor)
    if staff is None or staff.department_id != step.department_id:
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门工作人员可以办理该办件")
    if not has_role(actor, step.role):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "您没有办理此环节的权限")
    if step.assignee_id is not None and step.assignee_id != actor.pk:
        raise PermissionDenied("CASE_ASSIGNED_TO_OTHER", "该环节已改派给其他工作人员")
    if case.status not in states.CLOCK_STATES:
        raise Conflict("CASE_TRANSITION_NOT_ALLOWED", "案件未处于审批阶段，不能办理审批环节",
                       details={"status": case.status})
    if step.status != StepStatus.ACTIVE:
        raise Conflict("CASE_STEP_NOT_ACTIVE", "该环节尚未开始或已办理，请按顺序办理", details={"step": step.pk})


def _act_on_step(*, actor: Any, step: CaseStep, approve: bool, opinion: str, now: dt.datetime) -> CaseStep:
    with transaction.atomic():
        case, step = _locked_step(step)
        _check_step(actor, case, step)
        if step.kind == StepKind.DECISION:
            raise Conflict("CASE_DECISION_STEP", "决定环节请作出审批决定")
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_STOPPED", "计时暂停期间不能办理审批环节，请先恢复计时")
        step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
        step.opinion, step.acted_by, step.acted_at = opinion, actor, now
        step.save()
        before = case.status
        if case.status == CaseStatus.ACCEPTED:
            states.check(case.status, CaseStatus.IN_REVIEW, action="approve_step")
            case.status = CaseStatus.IN_REVIEW
            case.save(update_fields=["status", "updated_at"])
        _activate_next_stage(case)
        _event(case, action="approve_step" if approve else "refuse_step", before=before, actor=_label(actor),
               note=f"{StepKind(step.kind).label}：{opinion}", now=now)
        return step


def approve_step(*, actor: Any, step: CaseStep, opinion: Any = "", now: dt.datetime | None = None) -> CaseStep:
    """审查/审核 同意; when every parallel step of the stage is done the next stage starts."""
    text = _text(opinion, field="opinion", what="审批意见", required=False)
    return _act_on_step(actor=actor, step=step, approve=True, opinion=text or "同意", now=now or timezone.now())


def refuse_step(*, actor: Any, step: CaseStep, reason: Any, now: dt.datetime | None = None) -> CaseStep:
    """审查/审核 不同意, with the reason; the decision step still decides (seeing the opinion)."""
    text = _text(reason, field="reason", what="不同意的理由")
    return _act_on_step(actor=actor, step=step, approve=False, opinion=text, now=now or timezone.now())


def _issue_result(actor: Any, case: Case, extra: Any) -> License | None:
    """准予: the item's result licence, signed by the department, into the holder's wallet. Its surface
    comes from the form (fields with the licence field's key), the verified identity, and ``extra``
    (what the approver fills in, e.g. a licence number)."""
    code = case.item.result_license_type_code
    if not code:
        return None
    license_type = LicenseType.objects.filter(code=code).first()
    if license_type is None:
        raise Conflict("CASE_RESULT_TYPE_UNKNOWN", "事项的审批结果证照类型未登记，不能签发电子证照")
    if extra is not None and not isinstance(extra, dict):
        raise ValidationFailed("CASE_LICENSE_SURFACE_INVALID", "证照照面信息应为对象", details={"field": "license_surface"})
    keys = {field["key"] for field in license_type.fields}
    surface = {k: v for k, v in case.form_data.items() if k in keys and isinstance(v, str | int) and not isinstance(v, bool)}
    surface.update(extra or {})
    holder: Person | Enterprise = case.enterprise if case.enterprise is not None else case.applicant
    return issue_license(issuer=Issuer(user=actor), license_type=license_type, department=case.department,
                         holder=holder, surface=surface, idempotency_key=f"case:{case.public_id}")


def decide(*, actor: Any, case: Case, approve: bool, reason: Any = "", license_surface: Any = None,
           now: dt.datetime | None = None) -> Decision:
    """审批决定 on the active decision step: 准予 (the result licence is issued into the holder's wallet)
    or 不予 (reason required); once only. The decision document is sealed by the department."""
    text = _text(reason, field="reason", what="不予许可的理由", required=not approve, limit=1000)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if Decision.objects.filter(case=case).exists():
            raise Conflict("CASE_ALREADY_DECIDED", "该案件已作出决定，不能再次决定")
        step = (CaseStep.objects.select_for_update().filter(case=case, kind=StepKind.DECISION)
                .order_by("-stage").first())
        if step is None:  # steps are made at acceptance
            _check_department_staff(actor, case, StaffRole.APPROVER)
            raise Conflict("CASE_NOT_ACCEPTED", "案件尚未受理，不能审批", details={"status": case.status})
        _check_step(actor, case, step)
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_STOPPED", "计时暂停期间不能作出决定，请先恢复计时")
        target = CaseStatus.APPROVED if approve else CaseStatus.DISAPPROVED
        states.check(case.status, target, action="decide")
        decision = Decision.objects.create(case=case, outcome=Outcome.APPROVE if approve else Outcome.REFUSE,
                                           reason=text, decided_by=actor, decided_at=now)
        step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
        step.opinion, step.acted_by, step.acted_at = text or "准予", actor, now
        step.save()
        before = case.status
        case.status = target
        case.decided_at = now
        if approve:
            case.result_license = _issue_result(actor, case, license_surface)
        case.save()
        _event(case, action="decide", before=before, actor=_label(actor), note=text or "准予", now=now)
        if approve:
            result = (f"准予许可，电子证照“{case.result_license.license_type.name}”（{case.result_license.identifier}）"
                      "已发放至你（单位）的电子证照夹。" if case.result_license else "准予许可。")
            _document(case, DocumentKind.APPROVAL, [
                f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，符合法定条件、标准，"
                f"本机关决定{result}",
            ], now=now)
        else:
            _document(case, DocumentKind.DISAPPROVAL, [
                f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，本机关决定不予许可。",
                f"理由：{text}",
                "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
            ], now=now)
        _notify(case, f"{_name(case)}" + ("已准予。" if approve else f"不予许可，理由：{text}"))
        return decision


DELIVERY_METHODS = ("electronic", "window", "express")


def complete(*, actor: Any, case: Case, delivery_method: str, address: Any = "", now: dt.datetime | None = None) -> Case:
    """办结: record how the result is delivered (electronic, window pickup, express with an address); by an
    approver or window clerk of the department, or a clerk of a hall it sits in (统一窗口出件)."""
    if delivery_method not in DELIVERY_METHODS:
        raise ValidationFailed("CASE_DELIVERY_INVALID", "送达方式只能是电子送达、窗口领取或快递送达",
                               details={"field": "delivery_method"})
    text = _text(address, field="address", what="快递地址", required=delivery_method == "express", limit=300)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if not serves_at_window(actor, case.department_id):
            _check_department_staff(actor, case, StaffRole.APPROVER, StaffRole.WINDOW_CLERK)
        states.check(case.status, CaseStatus.COMPLETED, action="complete")
        before = case.status
        case.status = CaseStatus.COMPLETED
        case.completed_at = now
        case.delivery_method = delivery_method
        case.delivery_address = text if delivery_method == "express" else ""
        case.save()
        _event(case, action="complete", before=before, actor=_label(actor), note=delivery_method, now=now)
        _notify(case, f"{_name(case)}已办结。")
        return case


def withdraw(*, actor: Any, case: Case, reason: Any = "", now: dt.datetime | None = None) -> Case:
    """撤回, by the applicant, only before a decision."""
    text = _text(reason, field="reason", what="撤回原因", required=False)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_applicant(actor, case)
        states.check(case.status, CaseStatus.WITHDRAWN, action="withdraw")
        before = case.status
        case.status = CaseStatus.WITHDRAWN
        case.withdrawn_at = now
        case.save()
        CaseStep.objects.filter(case=case, status__in=[StepStatus.WAITING, StepStatus.ACTIVE]).update(
            status=StepStatus.SKIPPED
        )
        _event(case, action="withdraw", before=before, actor=_label(actor), note=text, now=now)
        _notify(case, f"{_name(case)}已撤回。")
        return case
