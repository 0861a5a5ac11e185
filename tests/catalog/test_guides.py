"""办事指南 read model: given items published through the services, when their guide is read, then ..."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache

from tests.catalog.factories import (
    BaseItemFactory,
    DepartmentFactory,
    ImplementationItemFactory,
    MaterialFactory,
    TopicFactory,
    item_record,
)
from zwfw.catalog import services
from zwfw.catalog.errors import ItemNotFound
from zwfw.catalog.guides import FORMAT, published_guide, snapshot_of_row
from zwfw.catalog.models import GuideSnapshot, ImplementationItem, ItemStatus

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published():
    """Given an item published as version 1 with two topics, a handling item and three materials."""
    department = DepartmentFactory(name="浙江省公安厅")
    base = BaseItemFactory()
    TopicFactory(code="birth", name="生育收养", sort_order=2)
    TopicFactory(code="moving", name="户籍迁移", sort_order=1)
    record = item_record(department, base, topics=["birth", "moving"])
    with time_machine.travel(T0, tick=False):
        services.create_item_draft(actor="system", data=record)
        item = services.publish(actor="system", code=record["code"])
    return item, record


def content_from_rows(code: str) -> dict:
    """The guide as read without a snapshot (the fallback), for comparison."""
    return dataclasses.replace(published_guide(code), snapshot=None).content()


def test_publish_writes_the_snapshot_of_the_version(published):
    item, record = published
    snapshot = GuideSnapshot.objects.get(item=item).data
    assert snapshot == snapshot_of_row(ImplementationItem.objects.get(pk=item.pk))
    assert (snapshot["format"], snapshot["code"], snapshot["version"]) == (FORMAT, record["code"], 1)
    assert snapshot["published_at"] == T0.isoformat()
    assert snapshot["base_code"] == record["base_code"]
    assert snapshot["topic_codes"] == ["moving", "birth"]  # topic order: audience, sort_order
    assert [m["name"] for m in snapshot["materials"]] == ["居民户口簿", "委托书", "户口簿电子证照"]
    assert [m["applies_to"] for m in snapshot["materials"]] == [[], [], ["首次申领"]]


def test_guide_content_has_labels_department_and_topics(published, django_assert_num_queries):
    _, record = published
    with django_assert_num_queries(2):  # the version with its snapshot; the topics, once per minute
        guide = published_guide(record["code"]).content()
    assert guide["name"] == record["name"]
    assert guide["department"]["name"] == "浙江省公安厅"
    assert (guide["kind_label"], guide["online_depth_label"], guide["cross_region_scope_label"]) == (
        "公共服务",
        "三级：网上受理",
        "跨省通办",
    )
    assert guide["published_at"] == T0
    assert guide["is_zero_visit"] is False
    assert [h["variant_label"] for h in guide["handling_items"]] == ["新设"]
    assert [(m["requirement_label"], m["source_label"]) for m in guide["materials"]][-1] == (
        "必要",
        "电子证照",
    )
    assert guide["topics"] == [{"code": "moving", "name": "户籍迁移"}, {"code": "birth", "name": "生育收养"}]
    with django_assert_num_queries(1):
        published_guide(record["code"]).content()


def test_guide_from_the_snapshot_equals_the_guide_from_the_rows(published):
    _, record = published
    assert published_guide(record["code"]).content() == content_from_rows(record["code"])


def test_department_and_topic_changes_show_on_the_guide(published):
    item, record = published
    services.update_department(
        actor="system", credit_code=item.department.credit_code, changes={"name": "新名称厅"}
    )
    services.update_topic(actor="system", code="birth", changes={"name": "生育"})
    services.create_topic(actor="system", data={"code": "new", "name": "新主题", "audience": "person"})
    cache.clear()  # topic names are cached for a minute
    guide = published_guide(record["code"]).content()
    assert guide["department"]["name"] == "新名称厅"
    assert [t["name"] for t in guide["topics"]] == ["户籍迁移", "生育"]


def test_a_topic_newer_than_the_cached_list_is_shown(published):
    item, record = published
    published_guide(record["code"]).content()  # caches the topic list
    topic = TopicFactory(code="late", name="新近主题", sort_order=0)
    item.topics.add(topic)  # (as if this version had been published with it)
    GuideSnapshot.objects.filter(item=item).update(data=snapshot_of_row(item))
    assert [t["code"] for t in published_guide(record["code"]).content()["topics"]] == [
        "late",
        "moving",
        "birth",
    ]


def test_a_new_version_gets_its_own_snapshot_and_the_old_one_keeps_its(published):
    item, record = published
    services.start_revision(actor="system", code=record["code"])
    services.update_draft(actor="system", code=record["code"], changes={"name": "居民身份证首次申领"})
    new = services.publish(actor="system", code=record["code"])
    assert published_guide(record["code"]).content()["name"] == "居民身份证首次申领"
    assert published_guide(record["code"]).item_pk == new.pk
    assert GuideSnapshot.objects.get(item=item).data["name"] == record["name"]


def test_items_without_a_current_snapshot_are_read_from_their_rows(published):
    item, record = published
    expected = published_guide(record["code"]).content()
    GuideSnapshot.objects.filter(item=item).update(
        data={**GuideSnapshot.objects.get(item=item).data, "format": 0}
    )
    assert published_guide(record["code"]).content() == expected
    GuideSnapshot.objects.filter(item=item).delete()
    assert published_guide(record["code"]).snapshot is None
    assert published_guide(record["code"]).content() == expected


@pytest.mark.parametrize("status", [ItemStatus.DRAFT, ItemStatus.SUPERSEDED, ItemStatus.WITHDRAWN])
def test_only_published_versions_have_a_guide(status):
    item = ImplementationItemFactory(status=status)
    with pytest.raises(ItemNotFound):
        published_guide(item.code)
    with pytest.raises(ItemNotFound):
        published_guide("NO-SUCH-CODE")


def test_the_migration_backfills_published_versions_as_publish_would():
    """Given versions written without the services (as before the read model), when the migration's
    backfill runs, then each published version has the snapshot `publish` would have written."""
    published_rows = [ImplementationItemFactory(), ImplementationItemFactory()]
    topic = TopicFactory()
    published_rows[0].topics.add(topic)
    MaterialFactory(item=published_rows[0], e_license=True, handling_codes=["X"])
    MaterialFactory(item=published_rows[0], conditional=True)
    draft = ImplementationItemFactory(draft=True)
    migration = importlib.import_module("zwfw.catalog.migrations.0006_guide_snapshot")

    migration.backfill(apps, None)

    assert not GuideSnapshot.objects.filter(item=draft).exists()
    for row in published_rows:
        assert GuideSnapshot.objects.get(item=row).data == snapshot_of_row(row)
