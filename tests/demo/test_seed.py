"""seed_demo() against a real database: everything imports and publishes; a second run changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.storage import default_storage

from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.catalog.selectors import published_items
from zwfw.demo.forms import FORMS, form_paths
from zwfw.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _row_counts() -> dict[str, int]:
    return {
        "departments": Department.objects.count(),
        "topics": Topic.objects.count(),
        "base_items": BaseItem.objects.count(),
        "items": ImplementationItem.objects.count(),
        "handling_items": HandlingItem.objects.count(),
        "materials": Material.objects.count(),
    }


def test_seed_imports_and_publishes_everything():
    out = StringIO()

    result = seed_demo(stdout=out)

    assert result["items"] >= 150
    assert result["departments"] >= 15
    assert result["topics"] >= 20
    assert result["zero_visit_items"] / result["items"] >= 0.20
    assert result["forms"] == {"created": 2 * len(FORMS), "existing": 0}
    assert result["import"]["counts"]["items"] == {"created": result["items"], "updated": 0, "unchanged": 0}
    assert result["import"]["published"] == result["items"]
    assert published_items().count() == result["items"]
    assert ImplementationItem.objects.exclude(status=ItemStatus.PUBLISHED).count() == 0
    assert Department.objects.count() == result["departments"]
    assert "实施清单事项：新增" in out.getvalue()
    for key in FORMS:
        blank, sample = form_paths(key)
        assert default_storage.exists(blank)
        assert default_storage.exists(sample)
    with_form = Material.objects.exclude(blank_form="")
    assert with_form.exists()
    assert all(
        default_storage.exists(m.blank_form.name) and default_storage.exists(m.sample.name) for m in with_form
    )


def test_seeding_twice_adds_nothing():
    seed_demo()
    before = _row_counts()
    blank = form_paths("marriage-declaration")[0]
    mtime = default_storage.get_modified_time(blank)

    again = seed_demo()

    assert _row_counts() == before
    assert again["forms"] == {"created": 0, "existing": 2 * len(FORMS)}
    assert again["import"]["published"] == 0
    for kind, counts in again["import"]["counts"].items():
        assert counts["created"] == counts["updated"] == 0, kind
    assert set(ImplementationItem.objects.values_list("version", flat=True)) == {1}
    assert default_storage.get_modified_time(blank) == mtime


def test_seeded_guides_read_back():
    seed_demo()

    item = published_items().get(name="居民身份证申领")

    assert item.department.name == "杭州市公安局"
    assert item.region_code == "330100"
    assert "身份证办理" in item.aliases
    assert [h.name for h in item.handling_items.all()] == ["首次申领", "有效期满换领", "丢失补领", "损坏换领"]
    hukou = item.materials.get(name="居民户口簿")
    assert hukou.source == "e_license"
    assert hukou.license_type_code
    form = item.materials.get(name="居民身份证申领登记表")
    assert form.blank_form.name == "catalog/forms/id-card-application.xlsx"
    assert form.sample.name == "catalog/samples/id-card-application-sample.xlsx"
    assert published_items().filter(visits_required=0, online_depth=4).count() >= 30
