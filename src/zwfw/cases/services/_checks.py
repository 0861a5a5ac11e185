"""The checks before a write: who may act (the applicant, the department's staff, the window clerks
of a hall), and the item with its application form (``define_form``, ``prefilled_form``)."""

from __future__ import annotations

from typing import Any, NamedTuple

from zwfw.appointments.selectors import hall_departments_of
from zwfw.cases import forms
from zwfw.cases.models import Case, Channel, ItemForm
from zwfw.catalog.models import ImplementationItem, ItemStatus
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedRead
from zwfw.identity.models import AgentGrant, Enterprise, Person, StaffRole
from zwfw.identity.selectors import live_grant_filter, person_of
from zwfw.identity.staff import has_role, staff_of

SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.MOBILE, Channel.TERMINAL)


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
