"""一件事一次办: a life or business event bundles several items into one application.

The merged form asks a field the items share once (the same property name; the first item's
definition is shown); one set of materials, the same material name asked once; one submission that
fans out into one linked case per item, in one transaction (all or none); and a combined status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zwfw.cases import forms, selectors, services, uploads
from zwfw.cases.models import BundleApplication, Case, CaseMaterial, ItemForm, LifeEvent, MaterialKind
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import ImplementationItem, ItemStatus, Material, MaterialRequirement, MaterialSource
from zwfw.core.audit import digest
from zwfw.core.errors import Conflict, NotFound, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.identity.models import Enterprise, Person

MAX_FILES = 30


@dataclass(frozen=True)
class BundleMaterial:
    name: str
    source: str
    required: bool
    items: list[str]  # names of the items that ask for it


@dataclass(frozen=True)
class BundleForm:
    event: LifeEvent
    items: list[ImplementationItem]
    schema: dict[str, Any]
    layout: dict[str, Any]
    materials: list[BundleMaterial] = field(default_factory=list)
    shared_fields: list[str] = field(default_factory=list)


def event_items(event: LifeEvent) -> list[ImplementationItem]:
    """The current published version of each item of the event, in the event's order."""
    codes = list(event.entries.order_by("sort_order", "id").values_list("item_code", flat=True))
    published = {
        item.code: item
        for item in ImplementationItem.objects.filter(code__in=codes, status=ItemStatus.PUBLISHED).select_related(
            "department"
        )
    }
    missing = [code for code in codes if code not in published]
    if missing or not codes:
        raise Conflict("BUNDLE_ITEM_UNAVAILABLE", f"“{event.name}”包含的事项暂停办理，请分别申请",
                       details={"items": missing})
    return [published[code] for code in codes]


def published_event(code: object) -> LifeEvent:
    key = lookup_key(code, max_length=40)
    event = LifeEvent.objects.filter(code=key, published=True).first() if key else None
    if event is None:
        raise NotFound("BUNDLE_NOT_FOUND", "未找到该一件事")
    return event


def bundle_form(event: LifeEvent) -> BundleForm:
    """The merged form and the deduplicated materials of an event."""
    items = event_items(event)
    item_forms = {f.item_id: f for f in ItemForm.objects.filter(item__in=items)}
    properties: dict[str, Any] = {}
    required: list[str] = []
    order: list[str] = []
    prefill: dict[str, str] = {}
    seen: dict[str, int] = {}
    for item in items:
        form = item_forms.get(item.pk)
        if form is None:
            continue
        for name, definition in form.schema.get("properties", {}).items():
            seen[name] = seen.get(name, 0) + 1
            properties.setdefault(name, definition)
        required += [name for name in form.schema.get("required", []) if name not in required]
        order += [name for name in form.layout.get("order", list(form.schema.get("properties", {}))) if name not in order]
        for name, source in form.layout.get("prefill", {}).items():
            prefill.setdefault(name, source)
    order += [name for name in properties if name not in order]
    properties = {name: properties[name] for name in order if name in properties}
    materials: dict[str, dict[str, Any]] = {}
    for material in Material.objects.filter(item__in=items).select_related("item").order_by("item_id", "sort_order", "id"):
        entry = materials.setdefault(material.name, {"source": material.source, "required": False, "items": []})
        entry["required"] |= material.requirement == MaterialRequirement.REQUIRED
        if material.item.name not in entry["items"]:
            entry["items"].append(material.item.name)
    return BundleForm(
        event=event,
        items=items,
        schema={"type": "object", "properties": properties, "required": required, "additionalProperties": False},
        layout={"order": order, "prefill": prefill},
        materials=[BundleMaterial(name=name, **entry) for name, entry in materials.items()],
        shared_fields=[name for name, count in seen.items() if count > 1],
    )


def _item_values(form: ItemForm | None, values: dict[str, Any]) -> dict[str, Any]:
    if form is None:
        return {}
    return {name: values[name] for name in form.schema.get("properties", {}) if name in values}


def submit_bundle(
    *,
    actor: Any,
    event: LifeEvent,
    form_data: Any,
    idempotency_key: str,
    files: dict[str, bytes] | None = None,
    enterprise: Enterprise | None = None,
    now: dt.datetime | None = None,
) -> BundleApplication:
    """One submission of a 一件事: every item's case, or none. ``files`` maps a material name of the
    bundle to its upload, given once and attached to every case that asks for that material."""
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > services.MAX_KEY - 4 or "\x00" in key:
        raise ValidationFailed("CASE_IDEMPOTENCY_KEY_INVALID", "提交必须带有1到76个字符的幂等键",
                               details={"field": "idempotency_key"})
    forms.check_form_data(form_data)
    person = services._require_person(actor)
    merged = bundle_form(event)
    files = files or {}
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise ValidationFailed("CASE_TOO_MANY_MATERIALS", f"一次最多上传{MAX_FILES}个文件")
    wanted = {m.name for m in merged.materials}
    unknown = sorted(set(files) - wanted)
    if unknown:
        raise ValidationFailed("CASE_MATERIAL_UNKNOWN", f"“{unknown[0][:40]}”不是该一件事需要的材料",
                               details={"field": "files"})
    # every file is checked before anything is written, and kept only if the bundle is: on a refusal or a
    # rollback (a case of the bundle refused at its submission) no file stays behind
    with uploads.staged(files) as incoming:
        return _submit_bundle(actor=actor, event=event, merged=merged, form_data=form_data, incoming=incoming,
                              key=key, person=person, enterprise=enterprise, now=now)


def _submit_bundle(*, actor: Any, event: LifeEvent, merged: BundleForm, form_data: dict[str, Any],
                   incoming: dict[str, uploads.Incoming], key: str, person: Person, enterprise: Enterprise | None,
                   now: dt.datetime | None) -> BundleApplication:
    values = {**form_data, **forms.prefill_values(merged.layout, person=person, enterprise=enterprise)}
    problems = forms.validate_form(merged.schema, values)
    if problems:
        raise ValidationFailed("CASE_FORM_INVALID", f"表单填写有误：{problems[0]['reason']}", details=problems)
    request_digest = digest({
        "event": event.pk, "enterprise": enterprise.pk if enterprise else None, "form": values,
        "files": {name: upload.stored.sha256 for name, upload in sorted(incoming.items())},
    })
    now = now or timezone.now()
    try:
        with transaction.atomic():
            existing = BundleApplication.objects.filter(applicant=person, idempotency_key=key).first()
            if existing is not None:
                if existing.request_digest != request_digest:
                    raise Conflict("CASE_IDEMPOTENCY_CONFLICT", "该幂等键已用于另一份申请",
                                   details={"bundle": str(existing.public_id)})
                return existing
            bundle = BundleApplication.objects.create(
                event=event, applicant=person, enterprise=enterprise, form_data=values, idempotency_key=key,
                request_digest=request_digest, submitted_at=now,
            )
            item_forms = {f.item_id: f for f in ItemForm.objects.filter(item__in=merged.items)}
            for n, item in enumerate(merged.items, 1):
                own = _item_values(item_forms.get(item.pk), values)
                draft = services.save_draft(actor=actor, item=item, form_data=own, enterprise=enterprise)
                for material in item.materials.filter(name__in=list(incoming)):
                    stored = incoming[material.name].stored
                    CaseMaterial.objects.create(
                        case=draft, material=material, name=material.name, kind=MaterialKind.UPLOAD, path=stored.path,
                        sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                    )
                case = services.submit(actor=actor, item=item, form_data=own, idempotency_key=f"{key}#{n}",
                                       draft=draft, now=now)
                Case.objects.filter(pk=case.pk).update(bundle=bundle)
            for incoming_file in incoming.values():  # every case is made: the files go in place
                incoming_file.keep()
            return bundle
    except IntegrityError:
        existing = BundleApplication.objects.filter(applicant=person, idempotency_key=key).first()
        if existing is None or existing.request_digest != request_digest:
            raise
        return existing


@dataclass(frozen=True)
class BundleStatus:
    status: str  # in_progress, completed, partly_refused, withdrawn
    label: str
    cases: list[Case]
    done: int
    total: int


_DONE = {CaseStatus.APPROVED, CaseStatus.COMPLETED}
_NO = {CaseStatus.REFUSED, CaseStatus.DISAPPROVED}


def bundle_status(bundle: BundleApplication, *, person: Person | None = None) -> BundleStatus:
    """The combined status: 已办结 when every case has its result, 部分不予办理 when one was refused,
    已撤回 when all were withdrawn, else 办理中 with how many are done.

    ``person``: of the linked cases that person may see (``selectors.cases_of_applicant``: an agent
    whose grant covers some of the items sees those cases and a status made of them only); every
    surface an applicant reads passes it. Without it, of all the linked cases."""
    linked = bundle.cases.all() if person is None else selectors.cases_of_applicant(person).filter(bundle=bundle)
    cases = list(linked.select_related("item", "department", "result_license").order_by("id"))
    statuses = {c.status for c in cases}
    done = sum(1 for c in cases if c.status in _DONE)
    if statuses <= {CaseStatus.WITHDRAWN}:
        status, label = "withdrawn", "已撤回"
    elif statuses & _NO:
        status, label = "partly_refused", "部分事项不予办理"
    elif done == len(cases):
        status, label = "completed", "已全部办结"
    else:
        status, label = "in_progress", f"办理中（已办结{done}/{len(cases)}项）"
    return BundleStatus(status=status, label=label, cases=cases, done=done, total=len(cases))


def required_uploads(merged: BundleForm) -> list[str]:
    """Material names the applicant may have to upload: their own, and those an e-licence would meet
    when they hold none (data from sharing and departments' own documents are fetched)."""
    return [m.name for m in merged.materials
            if m.required and m.source in (MaterialSource.APPLICANT, MaterialSource.E_LICENSE)]
