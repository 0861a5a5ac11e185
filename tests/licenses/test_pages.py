"""The licence pages: the wallet, 亮证, the public verification pages and the issuing workbench.
Each renders (empty states too), shows only what its visitor may see, and refuses the others."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.identity.factories import EnterpriseFactory, PersonFactory
from tests.licenses.wallet_helpers import (
    issue_degree,
    issue_residence,
    licence_state,
    license_type,
    signed_in,
)
from zwfw.core.masking import mask_resident_id
from zwfw.core.models import AuditEntry
from zwfw.identity import agents
from zwfw.licenses import services, showing, web
from zwfw.licenses.models import License, LicenseUse, UseGrant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_keys_and_limits():
    showing.reset_caches()
    cache.clear()
    yield
    showing.reset_caches()
    cache.clear()


@pytest.fixture
def alice(db):
    return PersonFactory(name="张晓明")


@pytest.fixture
def degree(seal, people, department, alice):
    return issue_degree(people, department, alice)


def html(response) -> str:
    return response.content.decode()


def token_in(page: str) -> str:
    found = re.search(r'id="show-url" href="http://testserver/licenses/v/([^/"]+)/"', page)
    assert found, "no verification link on the page"
    return found.group(1)


# --- the wallet ------------------------------------------------------------------------------------


def test_the_wallet_needs_a_signed_in_person(db, people):
    response = Client().get("/licenses/wallet/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/licenses/wallet/"
    assert signed_in(people["approver"].user).get("/licenses/wallet/").status_code == 404  # staff have no wallet


def test_an_empty_wallet_says_so(alice):
    page = html(signed_in(alice.user).get("/licenses/wallet/"))
    assert 'id="wallet-empty"' in page
    assert "暂无电子证照" in page
    assert 'id="wallet-link"' in page  # the account bar links to the wallet


def test_the_wallet_lists_only_the_holders_licences(degree, people, department, alice):
    issue_residence(people, department, PersonFactory(name="李建华"))
    page = html(signed_in(alice.user).get("/licenses/wallet/"))
    assert "学位证书" in page
    assert "杭州市市场监督管理局" in page
    assert '<span class="lic-badge lic-valid">有效</span>' in page
    assert f"{degree.valid_from:%Y-%m-%d} 至 长期" in page
    assert "居住证" not in page
    assert "李建华" not in page


def test_an_agent_sees_the_enterprises_licences_when_acting_for_it(seal, people, department):
    enterprise = EnterpriseFactory(name="杭州示例建设有限公司")
    agent = PersonFactory(name="赵敏")
    agents.grant_agent(
        actor=enterprise.legal_representative, enterprise=enterprise, agent_document_type="resident_id",
        agent_document_number=agent.document_number, agent_name=agent.name, all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("建筑业企业资质证书"),
        department=department, holder=enterprise,
        surface={"legal_representative": enterprise.legal_representative.name, "qualification": "施工总承包二级",
                 "certificate_no": "D233000001", "issue_date": "2026-12-01"},
    )
    client = signed_in(agent.user)
    assert "建筑业企业资质证书" not in html(client.get("/licenses/wallet/"))  # acting for themself
    client.post("/account/act-as/", {"principal": f"enterprise:{enterprise.public_id}"})
    page = html(client.get("/licenses/wallet/"))
    assert "建筑业企业资质证书" in page
    assert "当前身份：杭州示例建设有限公司" in page


def test_the_detail_shows_the_holder_everything_unmasked(degree, alice):
    response = signed_in(alice.user).get(f"/licenses/wallet/{degree.identifier}/")
    assert response.status_code == 200
    page = html(response)
    assert alice.document_number in page  # the holder sees their own number in full
    assert "浙江大学" in page
    assert "签发" in page  # the events
    assert "暂无授权" in page
    assert "暂无用证记录" in page
    assert 'id="show-link"' in page


def test_another_persons_licence_is_not_found(degree):
    stranger = signed_in(PersonFactory().user)
    for path in ("", "show/"):
        response = stranger.get(f"/licenses/wallet/{degree.identifier}/{path}")
        assert response.status_code == 404
        assert "张晓明" not in html(response)
    assert stranger.get("/licenses/wallet/garbage%00/").status_code == 404


def test_the_holder_authorises_a_department_and_revokes_it(degree, alice, other_department, people):
    client = signed_in(alice.user)
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(f"/licenses/wallet/{degree.identifier}/", {
        "department_code": other_department.credit_code, "purpose": "办理子女入学", "valid_until": until,
    })
    assert response.status_code == 302
    grant = UseGrant.objects.get()
    assert (grant.department, grant.purpose) == (other_department, "办理子女入学")
    assert timezone.localtime(grant.valid_until).date() == dt.date.fromisoformat(until) + dt.timedelta(days=1)
    # the department fetches; the use shows in the holder's 用证记录
    services.fetch_for_use(actor=people["other_approver"].user, identifier=degree.identifier, purpose="办理子女入学")
    page = html(client.get(f"/licenses/wallet/{degree.identifier}/"))
    assert "杭州市民政局" in page
    assert "部门授权调取" in page
    # revoking
    assert client.post(f"/licenses/wallet/{degree.identifier}/grants/{grant.public_id}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert "已撤销" in html(client.get(f"/licenses/wallet/{degree.identifier}/"))


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"purpose": ""}, 400, "请填写用途"),
        ({"department_code": "nope"}, 404, "用证部门不存在"),
        ({"valid_until": "someday"}, 400, "日期格式"),
        ({"valid_until": "2020-01-01"}, 400, "授权截止时间"),
    ],
)
def test_a_bad_grant_form_shows_the_reason_and_grants_nothing(degree, alice, other_department, form, status, words):
    body = {"department_code": other_department.credit_code, "purpose": "入学",
            "valid_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat()} | form
    response = signed_in(alice.user).post(f"/licenses/wallet/{degree.identifier}/", body)
    assert response.status_code == status
    assert words in html(response)
    assert not UseGrant.objects.exists()


def test_a_stranger_cannot_revoke_the_holders_grant(degree, alice, other_department):
    grant = services.authorise_use(person=alice, license=degree, department=other_department, purpose="入学",
                                   valid_until=timezone.now() + dt.timedelta(days=1))
    response = signed_in(PersonFactory().user).post(f"/licenses/wallet/{degree.identifier}/grants/{grant.public_id}/revoke/")
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


# --- 亮证 ------------------------------------------------------------------------------------------


def test_the_show_page_ticks_the_defaults_and_shows_a_qr_code(degree, alice):
    response = signed_in(alice.user).get(f"/licenses/wallet/{degree.identifier}/show/")
    assert response.status_code == 200
    page = html(response)
    assert '<svg viewBox="0 0' in page
    assert 'class="license-qr"' in page
    assert 'src="/static/licenses/show.js"' in page
    assert re.search(r'value="holder_name" checked', page)
    assert re.search(r'value="degree" checked', page)
    assert re.search(r'value="holder_id">', page)  # the ID number is not ticked by default
    claims = showing.read_token(token_in(page))
    assert "holder_id" not in claims.fields
    assert f"/api/v1/licenses/wallet/{degree.identifier}/token?fields=" in page.replace("&amp;", "&")


def test_the_chosen_fields_are_the_only_ones_shown(degree, alice):
    client = signed_in(alice.user)
    page = html(client.get(f"/licenses/wallet/{degree.identifier}/show/", {"chosen": "1", "fields": ["holder_id", "degree"]}))
    verified = html(Client().get(f"/licenses/v/{token_in(page)}/"))
    assert mask_resident_id(alice.document_number) in verified
    assert alice.document_number not in verified
    assert "工学学士" in verified
    assert "张晓明" not in verified
    assert "浙江大学" not in verified


@pytest.mark.parametrize(
    ("fields", "words"), [([], "请至少选择一项"), (["spouse_id"], "不能展示"), (["nope"], "不能展示")]
)
def test_a_bad_choice_of_fields_gets_no_code(degree, alice, fields, words):
    response = signed_in(alice.user).get(f"/licenses/wallet/{degree.identifier}/show/", {"chosen": "1", "fields": fields})
    assert response.status_code == 400
    assert words in html(response)
    assert "license-qr" not in html(response)


def test_a_revoked_licence_cannot_be_shown(degree, alice, people):
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=degree, action="revoke", reason="撤销")
    response = signed_in(alice.user).get(f"/licenses/wallet/{degree.identifier}/show/")
    assert response.status_code == 403
    assert "不能亮证" in html(response)
    assert "license-qr" not in html(response)


# --- public verification ---------------------------------------------------------------------------


def _verified(degree, **kwargs):
    token = showing.make_token(license=degree, fields=["holder_name", "degree"], **kwargs)
    return Client().get(f"/licenses/v/{token}/")


def test_a_valid_token_shows_valid_and_only_the_disclosed_fields(degree):
    response = _verified(degree)
    assert response.status_code == 200
    page = html(response)
    assert '<span class="lic-word" id="verify-status">有效</span>' in page
    assert "学位证书" in page
    assert "杭州市市场监督管理局" in page
    assert "工学学士" in page
    assert "张晓明" in page
    assert "浙江大学" not in page
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_scan_page_shows_the_check_time_and_validity_in_beijing_time_and_the_node_s_name(
    degree, people, department, alice
):
    # the page is a Jinja2 template (zwfw.portal.jinja): times in Asia/Shanghai, as every Django page shows them
    residence = issue_residence(people, department, alice)
    assert residence.valid_until is not None
    with time_machine.travel(dt.datetime(2026, 12, 7, 17, 30, 5, tzinfo=dt.UTC), tick=False):
        page = html(Client().get(f"/licenses/v/{showing.make_token(license=residence, fields=['holder_name'])}/"))
        long_lived = html(_verified(degree))
    assert "<dt>核验时间</dt><dd>2026-12-08 01:30:05</dd>" in page
    assert f'<dd id="verify-valid-until">{residence.valid_until:%Y-%m-%d}</dd>' in page
    assert degree.valid_until is None
    assert '<dd id="verify-valid-until">长期</dd>' in long_lived
    assert "<title>电子证照核验结果 - 浙江政务服务网</title>" in page
    assert '<html lang="zh-Hans" class="">' in page


def test_the_scan_page_keeps_the_elder_mode_the_visitor_chose(degree):
    token = showing.make_token(license=degree, fields=["degree"])
    client = Client()
    client.cookies["zwfw_elder"] = "1"
    assert '<html lang="zh-Hans" class="elder">' in html(client.get(f"/licenses/v/{token}/"))


def test_disclosed_text_is_escaped_on_the_scan_page(seal, people, department, alice):
    licence = issue_degree(people, department, alice, degree="<b onclick=x>工学</b>学士")
    token = showing.make_token(license=licence, fields=["degree"])
    page = html(Client().get(f"/licenses/v/{token}/"))
    assert "&lt;b onclick=x&gt;工学&lt;/b&gt;学士" in page
    assert "<b onclick" not in page


@pytest.mark.parametrize(
    ("action", "word"), [("revoke", "已吊销"), ("suspend", "暂扣"), ("cancel", "注销")]
)
def test_a_token_shows_the_status_as_it_is_now(degree, people, action, word):
    token = showing.make_token(license=degree, fields=["degree"])
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=degree, action=action, reason="原因")
    page = html(Client().get(f"/licenses/v/{token}/"))
    assert f'id="verify-status">{word}</span>' in page


def test_a_superseded_and_an_expired_licence_say_so(degree, people, department, alice):
    residence = issue_residence(people, department, alice)
    token = showing.make_token(license=residence, fields=["holder_name"])
    services.new_version(issuer=services.Issuer(user=people["approver"].user), license=residence,
                         surface={"address": "杭州市滨江区"}, reason="住址变更")
    assert 'id="verify-status">已变更</span>' in html(Client().get(f"/licenses/v/{token}/"))
    fresh = License.objects.get(supersedes=residence)
    token = showing.make_token(license=fresh, fields=["holder_name"])
    services.expire_licenses(today=fresh.valid_until + dt.timedelta(days=1))
    assert 'id="verify-status">已过期</span>' in html(Client().get(f"/licenses/v/{token}/"))


def test_an_expired_token_is_refused(degree):
    response = _verified(degree, now=timezone.now() - dt.timedelta(minutes=4))
    assert response.status_code == 410
    page = html(response)
    assert "亮证码已过期" in page
    assert "工学学士" not in page


@pytest.mark.parametrize(
    "token",
    ["x", "x.y.z", "a" * 3000, "eyJhbGciOiJub25lIn0.eyJsaWMiOiJ4In0.", "%E4%BD%A0%E5%A5%BD", "..", "%00", "'%3Cscript%3E"],
)
def test_a_garbage_token_never_500s(db, token):
    response = Client().get(f"/licenses/v/{token}/")
    assert response.status_code == 400
    assert "无法核验" in html(response)
    assert "<script>" not in html(response)


def test_a_forged_token_is_refused(degree):
    head, payload, signature = showing.make_token(license=degree, fields=["degree"]).split(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    assert Client().get(f"/licenses/v/{head}.{forged}.{signature}/").status_code == 400


def test_the_token_page_is_rate_limited(degree, monkeypatch):
    monkeypatch.setattr(web, "TOKEN_CHECKS_PER_MINUTE", 2)
    token = showing.make_token(license=degree, fields=["degree"])
    statuses = [Client().get(f"/licenses/v/{token}/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "请求过于频繁" in html(Client().get(f"/licenses/v/{token}/"))


def test_verification_by_identifier_and_holder_code(degree, alice):
    assert "电子证照核验" in html(Client().get("/licenses/verify/"))
    right = Client().post("/licenses/verify/", {"identifier": degree.identifier, "holder_code": alice.document_number})
    page = html(right)
    assert right.status_code == 200
    assert 'id="verify-status">有效</span>' in page
    assert "学位证书" in page
    assert "工学学士" not in page  # validity only
    assert "张晓明" not in page
    wrong = Client().post("/licenses/verify/", {"identifier": degree.identifier, "holder_code": "110101199003070000"})
    assert wrong.status_code == 404
    assert "未找到" in html(wrong)
    assert "学位证书" not in html(wrong)


def test_the_verification_form_is_rate_limited(degree, alice, monkeypatch):
    monkeypatch.setattr(web, "PUBLIC_CHECKS_PER_MINUTE", 1)
    body = {"identifier": degree.identifier, "holder_code": alice.document_number}
    assert Client().post("/licenses/verify/", body).status_code == 200
    refused = Client().post("/licenses/verify/", body)
    assert refused.status_code == 429
    assert "每分钟最多1次" in html(refused)


# --- workbench -----------------------------------------------------------------------------------


def test_the_workbench_is_for_issuing_staff_only(db, people, alice):
    assert Client().get("/licenses/workbench/issue/").status_code == 302
    for user in (alice.user, people["clerk"].user, people["platform"].user):
        response = signed_in(user).get("/licenses/workbench/issue/")
        assert response.status_code == 403
        assert "只有颁发部门" in html(response)
    assert "本节点尚未启用证照类型" in html(signed_in(people["approver"].user).get("/licenses/workbench/issue/"))
    degree_type = license_type("学位证书")
    page = html(signed_in(people["approver"].user).get("/licenses/workbench/issue/"))
    assert "本部门尚未签发电子证照" in page
    assert f'<option value="{degree_type.code}">学位证书（自然人）</option>' in page


def test_the_workbench_renders_the_types_fields_and_issues(seal, people, alice):
    client = signed_in(people["approver"].user)
    residence = license_type("居住证")
    page = html(client.get("/licenses/workbench/issue/", {"type": residence.code}))
    assert 'name="f_issue_date"' in page
    assert 'type="date" id="f_issue_date"' in page
    assert 'name="f_holder_name"' not in page  # from the holder's verified identity
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    body = {"type_code": residence.code, "holder_document_type": "resident_id", "holder_document_number": alice.document_number,
            "f_issue_date": "2026-12-01", "f_address": "杭州市上城区", "idempotency_key": key}
    response = client.post("/licenses/workbench/issue/", body)
    assert response.status_code == 302
    license = License.objects.get(holder_person=alice)
    assert services.surface_of(license)["address"] == "杭州市上城区"
    # a double submit of the same form issues nothing new
    assert client.post("/licenses/workbench/issue/", body).status_code == 302
    assert License.objects.count() == 1
    listed = html(client.get(response["Location"]))
    assert license.identifier in listed
    assert "张晓明" not in listed  # masked
    assert ">暂扣</button>" in listed
    assert ">吊销</button>" in listed


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"holder_document_number": "110101199003070000"}, 404, "未找到使用该证件注册的自然人"),
        ({"holder_document_number": ""}, 400, "请填写持证者"),
        ({"f_issue_date": ""}, 400, "请填写发证日期"),
        ({"f_issue_date": "明天"}, 400, "应为日期"),
        ({"valid_from": "2026-02-30"}, 400, "有效期起"),
        ({"type_code": "nope"}, 404, "证照类型不存在"),
    ],
)
def test_a_bad_issue_form_shows_the_reason_and_issues_nothing(seal, people, alice, change, status, words):
    residence = license_type("居住证")
    body = {"type_code": residence.code, "holder_document_type": "resident_id", "holder_document_number": alice.document_number,
            "f_issue_date": "2026-12-01", "idempotency_key": "form-1"} | change
    response = signed_in(people["approver"].user).post("/licenses/workbench/issue/", body)
    assert response.status_code == status
    assert words in html(response)
    assert not License.objects.exists()


def test_a_workbench_issue_for_someone_without_an_account_audits_the_failed_look_up(seal, people, department, alice):
    body = {"type_code": license_type("居住证").code, "holder_document_type": "resident_id",
            "holder_document_number": "110101199003070000", "f_issue_date": "2026-12-01", "idempotency_key": "form-2"}
    audited_before = AuditEntry.objects.count()
    response = signed_in(people["approver"].user).post("/licenses/workbench/issue/", body)
    assert response.status_code == 404
    assert "未找到使用该证件注册的自然人" in html(response)
    assert not License.objects.exists()
    [entry] = AuditEntry.objects.order_by("seq")[audited_before:]
    assert (entry.actor, entry.action, entry.result, entry.details) == (
        f"staff:{people['approver'].public_id}", "licenses.holder_lookup_failed", "failure",
        {"department": department.credit_code, "document_type": "resident_id", "document_number": "110***********0000"},
    )


def test_the_workbench_suspends_and_revokes_with_a_reason(degree, people):
    client = signed_in(people["approver"].user)
    path = f"/licenses/workbench/{degree.identifier}/status/"
    before = licence_state()
    refused = client.post(path, {"action": "revoke", "reason": ""})
    assert refused.status_code == 400
    assert "请填写原因" in html(refused)
    assert licence_state() == before
    assert client.post(path, {"action": "suspend", "reason": "涉嫌违规"}).status_code == 302
    degree.refresh_from_db()
    assert degree.status == "suspended"
    page = html(client.get("/licenses/workbench/issue/"))
    assert ">发还</button>" in page
    assert client.post(path, {"action": "revoke", "reason": "学位撤销"}).status_code == 302
    degree.refresh_from_db()
    assert (degree.status, degree.status_reason) == ("revoked", "学位撤销")


def test_another_department_cannot_change_the_licence_from_the_workbench(degree, people, other_seal):
    before = licence_state()
    response = signed_in(people["other_approver"].user).post(
        f"/licenses/workbench/{degree.identifier}/status/", {"action": "revoke", "reason": "x"}
    )
    assert response.status_code == 404
    assert licence_state() == before
    assert not LicenseUse.objects.exists()


def test_the_admin_is_read_only(degree):
    admin = get_user_model().objects.create_superuser("licadmin", password="x" * 12)
    client = signed_in(admin)
    response = client.get("/admin/licenses/license/")
    assert response.status_code == 200
    assert degree.identifier in html(response)
    assert "张晓明" not in html(client.get(f"/admin/licenses/license/{degree.pk}/change/"))
    assert client.get("/admin/licenses/license/add/").status_code == 403
