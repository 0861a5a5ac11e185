"""The 一件事 pages: the list, one application (merged form, one file per material), the combined status."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import snapshot
from tests.cases.helpers import png_bytes
from tests.cases.test_bundles import newborn  # noqa: F401  (fixture)
from zwfw.cases import bundles
from zwfw.cases.models import BundleApplication, Case

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _post(client, event, **fields):
    merged = bundles.bundle_form(event)
    data = {"idempotency_key": fields.pop("key", "page-key-1"), **{f"f_{k}": v for k, v in fields.items()}}
    for n in range(len(merged.materials)):
        data[f"m_{n}"] = SimpleUploadedFile(f"{n}.png", png_bytes((20 + n, 20)), content_type="image/png")
    return client.post(f"/cases/events/{event.code}/", data)


def test_the_events_page_lists_the_event_and_its_items(newborn):  # noqa: F811
    page = Client().get("/cases/events/").content.decode()
    assert "新生儿出生一件事" in page
    assert "社会保障卡申领" in page
    assert 'id="apply-newborn"' in page


def test_the_application_asks_a_shared_field_once(applicant, newborn):  # noqa: F811
    page = signed_in(applicant).get("/cases/events/newborn/").content.decode()
    assert page.count('name="f_baby_name"') == 1
    assert page.count('name="f_birth_date"') == 1
    # one material row (one file input) for 出生医学证明, which all three items ask for
    assert page.count('type="file"') == 2
    assert "已根据您的实名信息自动填写" in page  # the guardian comes from the verified identity


def test_one_submission_makes_the_linked_cases_and_shows_the_combined_status(applicant, newborn):  # noqa: F811
    client = signed_in(applicant)
    response = _post(client, newborn, baby_name="张小宝", birth_date="2026-02-10", hospital="市妇产科医院",
                     insured_place="西湖区")
    assert response.status_code == 302, response.content.decode()[:2000]
    bundle = BundleApplication.objects.get()
    assert Case.objects.filter(bundle=bundle).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "办理中（已办结0/3项）" in page
    assert page.count("cases/mine/") >= 3  # each linked case links to its own page
    # a double click (the same key) makes nothing new
    again = _post(client, newborn, baby_name="张小宝", birth_date="2026-02-10", hospital="市妇产科医院",
                  insured_place="西湖区")
    assert again.status_code == 302
    assert BundleApplication.objects.count() == 1


def test_bad_input_shows_the_error_and_makes_nothing(applicant, newborn):  # noqa: F811
    before = snapshot()
    response = _post(signed_in(applicant), newborn, baby_name="张小宝", birth_date="not a date", hospital="x",
                     insured_place="y")
    assert response.status_code == 400
    assert "出生日期" in response.content.decode()
    assert snapshot() == before
    assert BundleApplication.objects.count() == 0


def test_another_persons_bundle_is_not_found(applicant, stranger, newborn):  # noqa: F811
    response = _post(signed_in(applicant), newborn, baby_name="张小宝", birth_date="2026-02-10", hospital="h",
                     insured_place="p")
    assert signed_in(stranger).get(response["Location"]).status_code == 404
    assert Client().get(response["Location"]).status_code == 302  # to sign in
    assert "暂无一件事申请" in signed_in(stranger).get("/cases/bundles/").content.decode()
