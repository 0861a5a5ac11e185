"""The demo's 一件事 (zwfw.demo.life_events): three events over the demo catalogue, each applicable."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from zwfw.cases import bundles
from zwfw.cases.models import BundleApplication, ItemForm, LifeEvent
from zwfw.demo.identity import seed_identity_demo
from zwfw.demo.life_events import seed_life_events_demo
from zwfw.demo.seed import seed_demo
from zwfw.identity.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (250, 250, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_three_events_are_seeded_once_and_a_citizen_applies_for_the_newborn_one():
    seed_demo()
    first = seed_life_events_demo()
    assert first["events"] == 3
    forms = ItemForm.objects.count()
    assert seed_life_events_demo() == {"events": 0, "forms": 0}
    assert ItemForm.objects.count() == forms
    names = set(LifeEvent.objects.values_list("name", flat=True))
    assert names == {"新生儿出生一件事", "企业开办一件事", "退休一件事"}
    for event in LifeEvent.objects.all():
        merged = bundles.bundle_form(event)
        assert len(merged.items) >= 3
        assert "phone" in merged.shared_fields  # asked once for the whole event

    seed_identity_demo()
    citizen = Person.objects.filter(user__isnull=False).first()
    newborn = LifeEvent.objects.get(code="newborn")
    merged = bundles.bundle_form(newborn)
    # the demo citizen holds none of the licences these materials could come from: all are uploaded
    files = {name: _scan() for name in bundles.required_uploads(merged)}
    bundle = bundles.submit_bundle(
        actor=citizen.user, event=newborn, idempotency_key="demo-newborn", files=files,
        form_data={"baby_name": "王小满", "baby_sex": "女", "birth_date": "2026-11-20", "phone": "13900000001",
                   "birth_hospital": "浙江大学医学院附属妇产科医院"},
    )
    assert BundleApplication.objects.get() == bundle
    assert bundle.cases.count() == len(merged.items)
    assert bundles.bundle_status(bundle).status == "in_progress"
