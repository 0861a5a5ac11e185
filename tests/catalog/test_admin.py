"""Django admin for the catalogue: edits go through the rules and services; published versions are read-only."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.urls import reverse

from tests.catalog.factories import (
    BaseItemFactory,
    DepartmentFactory,
    TopicFactory,
    department_record,
    item_record,
)
from zwfw.catalog import services
from zwfw.catalog.models import Department, ImplementationItem, ItemStatus
from zwfw.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; admin pages here only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def post_data_of(response) -> dict:
    """The POST body a browser would send back for an admin change page, unchanged."""
    data: dict = {}

    def add(form):
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField):
                continue
            value = form[name].value()
            key = form[name].html_name
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def draft():
    department = DepartmentFactory()
    base = BaseItemFactory()
    TopicFactory(code="birth")
    record = item_record(department, base, topics=["birth"])
    item = services.create_item_draft(actor="system", data=record)
    return item, record


def test_a_draft_is_edited_through_the_service_and_audited(admin_client, admin_user, draft):
    item, record = draft
    url = reverse("admin:catalog_implementationitem_change", args=[item.pk])
    data = post_data_of(admin_client.get(url))
    data["promised_limit_days"] = "10"
    data["materials-0-name"] = "居民户口簿（原件）"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.promised_limit_days, item.updated_by) == (10, f"user:{admin_user.pk}")
    assert [m.name for m in item.materials.order_by("sort_order")] == [
        "居民户口簿（原件）",
        "委托书",
        "户口簿电子证照",
    ]
    entry = AuditEntry.objects.filter(action="catalog.item.update_draft").get()
    assert (entry.actor, entry.object_id) == (f"user:{admin_user.pk}", record["code"])


def test_an_invalid_draft_edit_shows_the_rule_and_changes_nothing(admin_client, draft):
    item, _ = draft
    url = reverse("admin:catalog_implementationitem_change", args=[item.pk])
    data = post_data_of(admin_client.get(url))
    data["promised_limit_days"] = "90"
    data["materials-1-condition"] = ""
    audit = AuditEntry.objects.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["promised_limit_days"] == [
        "承诺办结时限不能超过法定办结时限"
    ]
    material_forms = response.context["inline_admin_formsets"][1].formset.forms
    assert material_forms[1].errors["condition"] == ["情形必要的材料应说明适用情形"]
    item.refresh_from_db()
    assert item.promised_limit_days == 15
    assert AuditEntry.objects.count() == audit


def test_a_published_item_is_read_only_and_actions_version_it(admin_client, draft):
    item, record = draft
    services.publish(actor="system", code=record["code"])
    change_url = reverse("admin:catalog_implementationitem_change", args=[item.pk])

    page = admin_client.get(change_url)
    refused = admin_client.post(change_url, {"name": "改名"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    changelist = reverse("admin:catalog_implementationitem_changelist")
    admin_client.post(changelist, {"action": "start_revision", "_selected_action": [item.pk]})
    assert ImplementationItem.objects.get(code=record["code"], status=ItemStatus.DRAFT).version == 2
    new = ImplementationItem.objects.get(code=record["code"], version=2)
    admin_client.post(changelist, {"action": "publish", "_selected_action": [new.pk]})
    assert list(
        ImplementationItem.objects.filter(code=record["code"])
        .order_by("version")
        .values_list("version", "status")
    ) == [(1, ItemStatus.SUPERSEDED), (2, ItemStatus.PUBLISHED)]
    admin_client.post(changelist, {"action": "withdraw", "_selected_action": [new.pk]})
    new.refresh_from_db()
    assert new.status == ItemStatus.WITHDRAWN
    admin_client.post(changelist, {"action": "start_revision", "_selected_action": [new.pk]})
    draft_pk = ImplementationItem.objects.get(code=record["code"], status=ItemStatus.DRAFT).pk
    admin_client.post(changelist, {"action": "discard_draft", "_selected_action": [draft_pk]})
    assert list(ImplementationItem.objects.filter(code=record["code"]).values_list("version", flat=True)) == [
        2,
        1,
    ]


def test_department_added_in_admin_is_validated_and_audited(admin_client, admin_user):
    url = reverse("admin:catalog_department_add")
    record = department_record(1)
    data = {k: ("" if v is None else v) for k, v in record.items() if k != "parent_credit_code"}

    bad = admin_client.post(url, {**data, "region_code": "990000"})
    good = admin_client.post(url, data)

    assert bad.status_code == 200
    assert bad.context["adminform"].form.errors["region_code"] == ["行政区划代码990000的省级代码99不存在"]
    assert good.status_code == 302
    assert Department.objects.get().credit_code == record["credit_code"]
    assert (
        AuditEntry.objects.filter(action="catalog.department.create").get().actor == f"user:{admin_user.pk}"
    )


def test_a_new_item_is_added_as_a_draft_through_the_service(admin_client, admin_user):
    department = DepartmentFactory()
    base = BaseItemFactory()
    topic = TopicFactory(code="birth")
    record = item_record(department, base, topics=["birth"])
    url = reverse("admin:catalog_implementationitem_add")
    data = post_data_of(admin_client.get(url))
    for name in (
        "code",
        "name",
        "region_code",
        "kind",
        "exercise_level",
        "audience",
        "conditions",
        "handling_type",
        "consult_phone",
        "complaint_phone",
        "result_type",
        "cross_region_scope",
    ):
        data[name] = record[name]
    for name in ("legal_limit_days", "promised_limit_days", "visits_required", "online_depth", "popularity"):
        data[name] = str(record[name])
    for name in ("legal_bases", "process", "fees", "channels", "places", "delivery_methods", "aliases"):
        data[name] = json.dumps(record[name], ensure_ascii=False)
    data.update(base_item=str(base.pk), department=str(department.pk), topics=[str(topic.pk)])
    data.pop("is_free", None)  # unchecked: a charged item
    data.update(
        {
            "materials-TOTAL_FORMS": "1",
            "materials-0-name": "居民户口簿",
            "materials-0-source": "applicant",
            "materials-0-requirement": "required",
            "materials-0-paper_original_count": "1",
            "materials-0-paper_copy_count": "0",
            "materials-0-handling_codes": "[]",
            "materials-0-sort_order": "0",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = ImplementationItem.objects.get(code=record["code"])
    assert (item.version, item.status, item.created_by, item.is_free) == (
        1,
        ItemStatus.DRAFT,
        f"user:{admin_user.pk}",
        False,
    )
    assert [m.name for m in item.materials.all()] == ["居民户口簿"]
    assert (
        AuditEntry.objects.filter(action="catalog.item.create_draft", object_id=record["code"]).count() == 1
    )
