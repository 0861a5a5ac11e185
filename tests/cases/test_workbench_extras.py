"""Workbench: internal comments (staff only) and reassignment by the department administrator."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.conftest import member, snapshot
from tests.cases.helpers import submit, with_form
from zwfw.cases.models import Case, CaseComment
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def signed_in(who) -> Client:
    client = Client()
    client.force_login(who.user)
    return client


def test_a_comment_is_shown_to_staff_and_never_to_the_applicant(applicant, item, staff):
    case = submit(applicant, with_form(item))
    url = f"/cases/workbench/{case.public_id}/"
    clerk = signed_in(staff["clerk"])
    assert clerk.post(f"{url}act/", {"action": "comment", "text": "请核对租赁期限"}).status_code == 302
    assert "请核对租赁期限" in clerk.get(url).content.decode()
    assert "请核对租赁期限" not in signed_in(applicant).get(f"/cases/mine/{case.public_id}/").content.decode()
    before = snapshot()
    empty = clerk.post(f"{url}act/", {"action": "comment", "text": "   "})
    assert empty.status_code == 400
    assert "请填写意见内容" in empty.content.decode()
    assert signed_in(staff["other_clerk"]).post(f"{url}act/", {"action": "comment", "text": "x"}).status_code == 404
    assert snapshot() == before
    assert CaseComment.objects.count() == 1


def test_the_department_admin_reassigns_the_prereview(applicant, item, department, staff):
    case = submit(applicant, with_form(item))
    second = member(department, StaffRole.WINDOW_CLERK)
    url = f"/cases/workbench/{case.public_id}/"
    page = signed_in(staff["head"]).get(url).content.decode()
    assert 'id="act-reassign"' in page
    assert second.name in page
    assert 'id="act-reassign"' not in signed_in(staff["clerk"]).get(url).content.decode()
    bad = signed_in(staff["head"]).post(f"{url}act/", {"action": "reassign", "to_staff": "not-a-uuid"})
    assert bad.status_code == 400
    done = signed_in(staff["head"]).post(f"{url}act/", {"action": "reassign", "to_staff": str(second.public_id)})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).assignee_id == second.user_id
    # the first clerk no longer has it in the queue nor an accept button; the assignee has both
    assert case.number not in signed_in(staff["clerk"]).get("/cases/workbench/").content.decode()
    assert case.number in signed_in(second).get("/cases/workbench/").content.decode()
    assert 'id="act-accept"' in signed_in(second).get(url).content.decode()
