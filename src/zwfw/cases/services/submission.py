"""Drafts and submission: drafts, entry by a clerk (代录) and its confirmation, uploaded materials,
and ``submit`` (idempotent, with the materials taken from e-licences)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone

from zwfw.cases import forms, states, uploads
from zwfw.cases.models import Case, CaseMaterial, Channel, MaterialKind
from zwfw.cases.numbers import allocate_case_number
from zwfw.cases.services._checks import (
    SELF_SERVICE_CHANNELS,
    _acting_for,
    _check_applicant,
    _check_item,
    _checked_form,
    _require_person,
    serves_at_window,
)
from zwfw.cases.services._common import _CASE, _event, _label, _locked, _name, _notify, _text
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import ImplementationItem, Material, MaterialRequirement, MaterialSource
from zwfw.core import audit
from zwfw.core.audit import digest
from zwfw.core.calendar import as_local_date
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedRead
from zwfw.core.masking import mask_looked_up_number
from zwfw.core.models import AuditResult
from zwfw.identity.models import Enterprise, Person, StaffMember, StaffRole
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses.models import License, LicenseStatus
from zwfw.licenses.selectors import find_holder
from zwfw.licenses.services.holders import HOLDER_NOT_FOUND

MAX_KEY = 80
MAX_MATERIALS = 50
ENTERING_ROLES: dict[str, str] = {Channel.WINDOW: StaffRole.WINDOW_CLERK, Channel.HOTLINE: StaffRole.HOTLINE_AGENT}


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


def _check_channel(channel: str) -> str:
    """The role that enters applications on ``channel`` (window or hotline)."""
    role = ENTERING_ROLES.get(channel)
    if role is None:
        raise ValidationFailed("CASE_CHANNEL_INVALID", "代为录入只适用于窗口和热线渠道", details={"field": "channel"})
    return role


def check_entering(*, actor: Any, item: ImplementationItem, channel: str) -> StaffMember:
    """The staff member who may enter ``item`` on ``channel``: the channel's entering role, and for the
    window a clerk of the item's department or of a hall it sits in. Checked before anything about the
    applicant is looked up, so that only they learn whether a person is registered or represents an
    enterprise (and again by the services that look up or enter)."""
    role = _check_channel(channel)
    staff = staff_of(actor)
    if staff is None or not has_role(actor, role):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "只有窗口受理人员或热线话务员可以代为录入")
    if channel == Channel.WINDOW and not serves_at_window(actor, item.department_id):
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门或综合窗口的工作人员可以代为录入该事项")
    return staff


def find_entry_applicant(
    *, actor: Any, item: ImplementationItem, channel: str, document_type: str, document_number: str
) -> Person:
    """代录: the registered person a clerk enters an application for ``item``, found by document (blind
    index). Only an entering role of the channel that may enter the item (the item's department or a
    hall serving it, for the window) looks a number up, and only as staff of a department. Every
    look-up is audited (查询留痕: who, for which department and channel, the number masked, and whom
    it found), and the entry is kept whatever happens to the request after it: the request has no
    transaction of its own, so it is committed at once. A number nobody registered under is
    CASE_APPLICANT_NOT_FOUND."""
    staff = check_entering(actor=actor, item=item, channel=channel)
    if staff.department is None:
        raise PermissionDenied("CASE_DEPARTMENT_REQUIRED", "您的账号尚未归属部门，不能按证件号码查找申请人，请联系管理员")
    looked_up = {"department": staff.department.credit_code, "channel": channel, "document_type": document_type,
                 "document_number": mask_looked_up_number(document_number)}
    try:
        found = find_holder(department=staff.department, document_type=document_type, document_number=document_number)
    except ValidationFailed as error:  # the holder's fields, named as this request names them
        field = str(error.details.get("field", "")) if isinstance(error.details, dict) else ""
        raise ValidationFailed(error.code, error.message,
                               details={"field": field.removeprefix("holder_") or "document_number"}) from None
    except NotFound as error:
        if error.code != HOLDER_NOT_FOUND:
            raise
        audit.record(actor=_label(actor), action="cases.entry_applicant_not_found", object_type="identity.Person",
                     object_id="-", result=AuditResult.FAILURE, details=looked_up)  # nobody under the number
        raise NotFound("CASE_APPLICANT_NOT_FOUND", "未找到持该证件的实名注册用户，请核对证件类型和号码",
                       details={"field": "document_number"}) from None
    if not isinstance(found, Person):  # a document names a person; only a credit code names an enterprise
        raise TypeError("find_holder answered a document number with an enterprise")
    audit.record(actor=_label(actor), action="cases.entry_applicant_found", object_type="identity.Person",
                 object_id=str(found.public_id), details=looked_up)
    return found


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
    _check_channel(channel)
    forms.check_form_data(form_data)
    with transaction.atomic():
        _check_item(item, channel)
        check_entering(actor=actor, item=item, channel=channel)
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
