"""The demo's seals (one 行政审批专用章 per department, a 单位公章 for 杭州市民政局, a sealed sample notice)
and the demo licences issued with them."""

from __future__ import annotations

import pytest

from zwfw.catalog.models import Department
from zwfw.demo.accounts import ensure_demo_accounts
from zwfw.demo.identity import seed_identity_demo
from zwfw.demo.licenses import DEMO_LICENSES, seed_licenses_demo
from zwfw.demo.seals import SAMPLE_TITLE, seed_seals_demo
from zwfw.demo.seed import seed_demo
from zwfw.identity.models import Person
from zwfw.licenses.models import License
from zwfw.seals import verification
from zwfw.seals.models import Seal, SealUsage, SignedDocument

pytestmark = pytest.mark.django_db


def test_seed_seals_and_licences_demo_once(settings, client):
    # given the demo catalogue, accounts and staff (a fast hasher: passwords are not under test here)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    ensure_demo_accounts()
    seed_identity_demo()
    # when the seal demo is seeded twice
    first = seed_seals_demo()
    second = seed_seals_demo()
    # then every department has its approval seal, the staff's department a 公章 too, and nothing doubles
    departments = Department.objects.filter(is_active=True).count()
    assert first == {"seals": departments + 1, "documents": 1}
    assert second == {"seals": 0, "documents": 0}
    assert Seal.objects.count() == departments + 1
    assert set(Seal.objects.values_list("status", flat=True)) == {"active"}
    # and the sample is public, verifies, and was signed by the demo approver
    document = SignedDocument.objects.get(title=SAMPLE_TITLE)
    report = verification.verify_pdf(bytes(document.pdf))
    assert (report.valid, report.code) == (True, "VALID")
    assert report.signatures[0].seal_name == "杭州市民政局行政审批专用章"
    assert SealUsage.objects.get().used_by.username == "approver"
    # and the portal shows it
    page = client.get(f"/seals/documents/{document.public_id}/")
    assert page.status_code == 200
    assert "签章有效" in page.content.decode()

    # and then (one seeding for both: it is the slow part) the demo licences are issued with those seals
    first = seed_licenses_demo()
    second = seed_licenses_demo()
    assert first["licenses"] == len(DEMO_LICENSES)
    assert second == {"types": 0, "licenses": 0}
    zhang = Person.objects.get(name="张晓明")
    assert sorted(zhang.licenses.values_list("license_type__name", flat=True)) == ["居住证", "教师资格证书", "机动车驾驶证"]
    assert License.objects.filter(holder_enterprise__isnull=False).count() == 2

