"""Catalogue services: departments, topics, base items and the versioning of items, each change audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.catalog.factories import (
    BaseItemFactory,
    DepartmentFactory,
    TopicFactory,
    department_record,
    item_record,
)
from zwfw.catalog import selectors, services
from zwfw.catalog.errors import CatalogConflict, CatalogValidationError, ItemNotFound
from zwfw.catalog.models import Department, ImplementationItem, ItemStatus, Material, Topic
from zwfw.core.audit import verify_chain
from zwfw.core.models import AuditEntry

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def audit_trail(object_type: str, object_id: str) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
        .order_by("seq")
        .values_list("action", "actor")
    )


@pytest.fixture
def refs():
    department = DepartmentFactory()
    base = BaseItemFactory()
    topic = TopicFactory(code="birth")
    return department, base, topic


@pytest.fixture
def published(refs):
    """Given an item published as version 1 (with three materials, a handling item and a topic)."""
    department, base, topic = refs
    record = item_record(department, base, topics=[topic.code])
    with time_machine.travel(T0, tick=False):
        services.create_item_draft(actor="user:7", data=record, source_ip="10.0.0.1")
        item = services.publish(actor="user:7", code=record["code"])
    return item, record


# ---- departments, topics, base items ----------------------------------------------------------------------


def test_create_and_update_department_are_audited():
    record = department_record(1)
    dept = services.create_department(actor="system", data=record)
    child = services.create_department(
        actor="system", data=department_record(2, parent_credit_code=dept.credit_code, name="杭州市测试局")
    )

    services.update_department(
        actor="user:3", credit_code=dept.credit_code, changes={"name": "浙江省新名称厅"}
    )

    dept.refresh_from_db()
    assert (dept.name, child.parent_id) == ("浙江省新名称厅", dept.pk)
    assert dept.pinyin == "zhejiangshengxinmingchengting"
    assert audit_trail("catalog.department", dept.credit_code) == [
        ("catalog.department.create", "system"),
        ("catalog.department.update", "user:3"),
    ]


def test_a_department_cannot_become_the_parent_of_its_own_parent():
    parent = services.create_department(actor="system", data=department_record(1))
    child = services.create_department(
        actor="system", data=department_record(2, parent_credit_code=parent.credit_code)
    )
    count = AuditEntry.objects.count()

    with pytest.raises(CatalogValidationError) as raised:
        services.update_department(
            actor="system", credit_code=parent.credit_code, changes={"parent_credit_code": child.credit_code}
        )

    assert raised.value.details == [
        {"field": "parent_credit_code", "reason": "上级部门不能是本部门的下级部门（上级关系形成循环）"}
    ]
    parent.refresh_from_db()
    assert parent.parent_id is None
    assert AuditEntry.objects.count() == count


def test_update_department_without_change_writes_no_audit_entry():
    dept = services.create_department(actor="system", data=department_record(1))
    count = AuditEntry.objects.count()
    services.update_department(actor="system", credit_code=dept.credit_code, changes={"name": dept.name})
    assert AuditEntry.objects.count() == count


def test_department_credit_code_cannot_be_taken_twice_or_changed():
    dept = services.create_department(actor="system", data=department_record(1))
    count = AuditEntry.objects.count()
    with pytest.raises(CatalogConflict) as raised:
        services.create_department(actor="system", data=department_record(1))
    assert raised.value.code == "DEPARTMENT_EXISTS"
    with pytest.raises(CatalogValidationError):
        services.update_department(
            actor="system",
            credit_code=dept.credit_code,
            changes={"credit_code": department_record(2)["credit_code"]},
        )
    assert Department.objects.count() == 1
    assert AuditEntry.objects.count() == count


def test_topic_and_base_item_create_update():
    topic = services.create_topic(
        actor="system", data={"code": "birth", "name": "生育收养", "audience": "person"}
    )
    services.update_topic(actor="system", code="birth", changes={"description": "出生、收养"})
    base = services.create_base_item(
        actor="system",
        data={
            "code": "000105001000",
            "name": "居民身份证申领",
            "kind": "public_service",
            "exercise_level": "county",
            "legal_limit_days": 60,
        },
    )
    services.update_base_item(actor="system", code=base.code, changes={"legal_limit_days": 30})

    topic.refresh_from_db()
    base.refresh_from_db()
    assert (topic.description, base.legal_limit_days, base.legal_bases) == ("出生、收养", 30, [])
    assert [a for a, _ in audit_trail("catalog.topic", "birth")] == [
        "catalog.topic.create",
        "catalog.topic.update",
    ]
    assert [a for a, _ in audit_trail("catalog.base_item", base.code)] == [
        "catalog.base_item.create",
        "catalog.base_item.update",
    ]


# ---- item versions ------------------------------------------------------------------------------------------


def test_create_draft_then_publish(published):
    item, record = published
    assert (item.version, item.status, item.published_at, item.published_by) == (
        1,
        ItemStatus.PUBLISHED,
        T0,
        "user:7",
    )
    assert item.created_by == "user:7"
    assert item.pinyin_full.startswith("juminshenfenzhengshenling1")
    assert selectors.published_item(record["code"]).name == record["name"]
    assert audit_trail("catalog.item", record["code"]) == [
        ("catalog.item.create_draft", "user:7"),
        ("catalog.item.publish", "user:7"),
    ]
    entry = AuditEntry.objects.get(action="catalog.item.create_draft")
    assert (entry.source_ip, entry.details) == ("10.0.0.1", {"version": 1})


def test_a_draft_is_not_published_until_publish(refs):
    department, base, _ = refs
    record = item_record(department, base)
    services.create_item_draft(actor="system", data=record)
    with pytest.raises(ItemNotFound):
        selectors.published_item(record["code"])


def test_editing_a_published_item_makes_a_draft_copy_and_leaves_the_published_row_alone(published):
    item, record = published
    published_before = ImplementationItem.objects.get(pk=item.pk)
    published_updated_at = published_before.updated_at

    draft = services.start_revision(actor="user:8", code=record["code"], change_note="调整承诺时限")
    services.update_draft(
        actor="user:8", code=record["code"], changes={"promised_limit_days": 5, "materials": []}
    )

    draft.refresh_from_db()
    published_after = ImplementationItem.objects.get(pk=item.pk)
    assert (draft.version, draft.status, draft.promised_limit_days, draft.change_note) == (
        2,
        ItemStatus.DRAFT,
        5,
        "调整承诺时限",
    )
    assert draft.materials.count() == 0
    assert [t.code for t in draft.topics.all()] == ["birth"]
    assert [h.code for h in draft.handling_items.all()] == [record["code"] + "01"]
    # The published version is untouched, materials included.
    assert (published_after.status, published_after.promised_limit_days, published_after.updated_at) == (
        ItemStatus.PUBLISHED,
        15,
        published_updated_at,
    )
    assert [m.name for m in published_after.materials.order_by("sort_order")] == [
        "居民户口簿",
        "委托书",
        "户口簿电子证照",
    ]
    assert selectors.published_item(record["code"]).promised_limit_days == 15


def test_start_revision_copies_materials_handling_items_and_topics(published):
    _, record = published
    draft = services.start_revision(actor="system", code=record["code"])
    from zwfw.catalog.records import item_record as record_of

    copy = record_of(draft)
    assert copy == {**record, "topics": ["birth"]}


def test_publish_supersedes_the_old_version_which_stays_readable(published):
    _, record = published
    services.start_revision(actor="system", code=record["code"])
    services.update_draft(actor="system", code=record["code"], changes={"name": "居民身份证首次申领"})
    t1 = T0 + dt.timedelta(days=3)
    with time_machine.travel(t1, tick=False):
        new = services.publish(actor="user:9", code=record["code"])

    old = selectors.item_version(record["code"], 1)
    assert (old.status, old.superseded_at, old.name) == (ItemStatus.SUPERSEDED, t1, record["name"])
    assert [m.name for m in old.materials.order_by("sort_order")] == [
        "居民户口簿",
        "委托书",
        "户口簿电子证照",
    ]
    assert (new.version, new.status, new.published_at) == (2, ItemStatus.PUBLISHED, t1)
    assert selectors.published_item(record["code"]).name == "居民身份证首次申领"
    assert [(v.version, v.status) for v in selectors.item_history(record["code"])] == [
        (2, ItemStatus.PUBLISHED),
        (1, ItemStatus.SUPERSEDED),
    ]
    assert ImplementationItem.objects.filter(code=record["code"], status=ItemStatus.PUBLISHED).count() == 1
    assert [a for a, _ in audit_trail("catalog.item", record["code"])] == [
        "catalog.item.create_draft",
        "catalog.item.publish",
        "catalog.item.start_revision",
        "catalog.item.update_draft",
        "catalog.item.publish",
    ]
    assert verify_chain().ok


def test_withdraw_takes_the_item_off_line_and_a_revision_can_bring_it_back(published):
    _, record = published
    services.withdraw(actor="user:2", code=record["code"], reason="职能调整")
    with pytest.raises(ItemNotFound):
        selectors.published_item(record["code"])
    assert AuditEntry.objects.get(action="catalog.item.withdraw").details == {
        "version": 1,
        "reason": "职能调整",
    }

    services.start_revision(actor="system", code=record["code"])
    services.publish(actor="system", code=record["code"])
    assert selectors.published_item(record["code"]).version == 2


def test_a_second_draft_and_publishing_without_draft_are_conflicts(published):
    _, record = published
    with pytest.raises(CatalogConflict) as raised:
        services.publish(actor="system", code=record["code"])
    assert raised.value.code == "NO_DRAFT"
    services.start_revision(actor="system", code=record["code"])
    count = (ImplementationItem.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CatalogConflict) as raised:
        services.start_revision(actor="system", code=record["code"])
    assert raised.value.code == "DRAFT_EXISTS"
    assert (ImplementationItem.objects.count(), AuditEntry.objects.count()) == count


def test_creating_a_draft_for_an_existing_code_is_a_conflict(published):
    _, record = published
    count = (ImplementationItem.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CatalogConflict) as raised:
        services.create_item_draft(actor="system", data=record)
    assert raised.value.code == "ITEM_EXISTS"
    assert (ImplementationItem.objects.count(), AuditEntry.objects.count()) == count


def test_invalid_draft_update_changes_nothing(published):
    _, record = published
    draft = services.start_revision(actor="system", code=record["code"])
    count = (Material.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CatalogValidationError) as raised:
        services.update_draft(actor="system", code=record["code"], changes={"visits_required": 0})
    assert raised.value.details == [
        {"field": "online_depth", "reason": "到办事现场次数为 0 的事项，网上办理深度应为四级（全程网办）"}
    ]
    draft.refresh_from_db()
    assert draft.visits_required == 1
    assert (Material.objects.count(), AuditEntry.objects.count()) == count


def test_publish_rechecks_the_draft_against_a_changed_base_item(published):
    item, record = published
    # The published version fits the lowered base item; the draft (60 days) does not.
    services.start_revision(actor="system", code=record["code"])
    services.update_draft(
        actor="system", code=record["code"], changes={"legal_limit_days": 30, "promised_limit_days": 15}
    )
    services.publish(actor="system", code=record["code"])
    services.start_revision(actor="system", code=record["code"])
    services.update_draft(actor="system", code=record["code"], changes={"legal_limit_days": 60})
    services.update_base_item(actor="system", code=item.base_item.code, changes={"legal_limit_days": 30})
    with pytest.raises(CatalogValidationError) as raised:
        services.publish(actor="system", code=record["code"])
    assert raised.value.details == [
        {"field": "legal_limit_days", "reason": "法定办结时限不能超过基本目录事项的 30 个工作日"}
    ]
    assert selectors.published_item(record["code"]).version == 2


def test_discard_draft(published):
    _, record = published
    services.start_revision(actor="system", code=record["code"])
    services.discard_draft(actor="system", code=record["code"])
    assert list(ImplementationItem.objects.filter(code=record["code"]).values_list("version", "status")) == [
        (1, ItemStatus.PUBLISHED)
    ]
    assert Topic.objects.count() == 1


def test_publish_calls_the_search_hooks_when_the_search_module_is_present(published, monkeypatch):
    _, record = published
    calls = []
    import zwfw.catalog.services.items as svc

    monkeypatch.setattr(svc, "_search_hook", lambda name, item: calls.append((name, item.version)))
    services.start_revision(actor="system", code=record["code"])
    services.publish(actor="system", code=record["code"])
    services.withdraw(actor="system", code=record["code"])
    assert calls == [("remove_item", 1), ("reindex_item", 2), ("remove_item", 2)]


# ---- base-item changes against the items implementing them ----------------------------------------------


def test_lowering_a_base_items_legal_limit_below_a_published_item_is_refused_and_writes_nothing(published):
    # Given a published item (legal limit 60) of a base item with a 60-day limit
    item, record = published
    base_code = item.base_item.code
    entries = AuditEntry.objects.count()

    # When the base item's legal limit is lowered below the item's
    with pytest.raises(CatalogValidationError) as raised:
        services.update_base_item(actor="system", code=base_code, changes={"legal_limit_days": 1})

    # Then the update is refused, naming the item, and nothing is written
    assert raised.value.details == [
        {
            "code": record["code"],
            "field": "legal_limit_days",
            "reason": f"已发布的实施清单事项 {record['code']} 的法定办结时限为 60 个工作日，"
            "超过基本目录事项修改后的 1 个工作日",
        }
    ]
    item.base_item.refresh_from_db()
    assert item.base_item.legal_limit_days == 60
    assert AuditEntry.objects.count() == entries


def test_changing_a_base_items_kind_away_from_its_published_items_is_refused(published):
    # Given a published item of kind 公共服务 implementing its base item
    item, record = published
    entries = AuditEntry.objects.count()

    # When the base item's kind is changed
    with pytest.raises(CatalogValidationError) as raised:
        services.update_base_item(actor="system", code=item.base_item.code, changes={"kind": "licensing"})

    # Then it is refused with the conflicting item named, and nothing is written
    assert [(d["code"], d["field"]) for d in raised.value.details] == [(record["code"], "kind")]
    assert "行政许可" in raised.value.details[0]["reason"]
    item.base_item.refresh_from_db()
    assert item.base_item.kind == "public_service"
    assert AuditEntry.objects.count() == entries


def test_a_base_item_change_that_still_fits_its_published_items_is_accepted(published):
    # Given a published item with a 60-day legal limit
    item, _ = published

    # When the base item's limit is lowered to exactly the item's limit, then raised
    services.update_base_item(actor="system", code=item.base_item.code, changes={"legal_limit_days": 60})
    services.update_base_item(actor="system", code=item.base_item.code, changes={"legal_limit_days": 90})

    # Then both are accepted
    item.base_item.refresh_from_db()
    assert item.base_item.legal_limit_days == 90
