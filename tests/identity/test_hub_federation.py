"""Federated sign-in end to end: two real node processes on loopback, real HTTP, the real provider.

A national hub (ZWFW_NODE_ROLE=national, 100000) and a regional node (regional, 330000, ZWFW_HUB_URL
pointing at the hub), each a ``zwfw serve`` with its own data directory and SQLite database
(tests/nodes.py). The regional node is registered at the hub with ``zwfw manage oidc_client create``;
a citizen of the hub signs in at the regional node with their national account, in one cookie jar
that behaves like a browser (the hub on 127.0.0.1, the node on localhost: cookies never mix).
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
import pytest

from tests.identity.factories import resident_id
from tests.nodes import Node, migrate_all, stop_all

NAME = "王小明"
MOBILE = "13912345678"
PASSWORD = "a long federated passphrase"
DOCUMENT = resident_id(321)

CREATE_CITIZEN = f"""
from django.contrib.auth import get_user_model
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import Person
user = get_user_model()(username="fed-citizen")
user.set_password({PASSWORD!r})
user.save()
Person.objects.create(
    user=user, document_type="resident_id", document_number={DOCUMENT!r},
    document_index=document_index("resident_id", {DOCUMENT!r}), name={NAME!r},
    mobile={MOBILE!r}, mobile_index=mobile_index({MOBILE!r}), assurance_level=3,
)
"""

HUB_SUBJECT = """
import json
from zwfw.identity.models import PairwiseSubject
print(json.dumps([[p.sector_identifier, p.subject] for p in PairwiseSubject.objects.filter(user__username="fed-citizen")]))
"""

NODE_ACCOUNTS = """
import json
from zwfw.identity.models import AccountSession, HubLink, Person
print(json.dumps({
    "links": [[l.issuer, l.subject, l.user.person.name] for l in HubLink.objects.select_related("user__person")],
    "people": [[p.name, p.document_number, p.assurance_level, p.mobile] for p in Person.objects.all()],
    "events": list(Person.objects.values_list("assurance_events__method", flat=True)),
    "sessions": [[s.methods, s.ended_at is not None] for s in AccountSession.objects.all()],
}))
"""


class Forms(HTMLParser):
    """The forms of a page: their action, and the values a browser would submit (hidden inputs)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attr.get("id", ""), "action": attr.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attr.get("name") and attr.get("type") == "hidden":
            self.forms[-1]["fields"][attr["name"]] = attr.get("value") or ""

    def find(self, form_id: str = "", action_contains: str = "") -> dict:
        for form in self.forms:
            if (form_id and form["id"] == form_id) or (action_contains and action_contains in form["action"]):
                return form
        raise AssertionError(f"no form {form_id or action_contains!r} in {[f['id'] for f in self.forms]}")


def _submit(client: httpx.Client, page: httpx.Response, form: dict, **values: str) -> httpx.Response:
    return client.post(urljoin(str(page.url), form["action"]), data={**form["fields"], **values})


@pytest.fixture
def nodes(tmp_path):
    hub = Node("national", "100000", tmp_path / "hub", host="127.0.0.1")
    region = Node("regional", "330000", tmp_path / "region", host="localhost")
    try:
        yield hub, region
    finally:
        stop_all(hub, region)


@pytest.mark.skipif(
    "DATABASE_URL" in os.environ, reason="both nodes run on SQLite databases of their own: the SQLite pass covers it"
)
@pytest.mark.server
def test_a_citizen_of_the_hub_signs_in_at_a_regional_node_and_signs_out_of_both(nodes):
    hub, region = nodes
    # given a national hub and a regional node, each with its own database
    migrate_all(hub, region)
    # and a citizen with a national account (registry matched, level 3)
    citizen = hub.shell_process(CREATE_CITIZEN)
    # and the regional node registered at the hub as a relying party
    client_json = hub.manage(
        "oidc_client",
        "create",
        "--name",
        "浙江政务服务网",
        "--redirect-uri",
        f"{region.url}/account/hub/callback/",
        "--post-logout-redirect-uri",
        f"{region.url}/account/hub/signed-out/",
    )
    registered = json.loads(client_json)
    _, error = citizen.communicate(timeout=120)
    assert citizen.returncode == 0, error
    # both started side by side, the regional node with the hub's address and its client credentials
    hub.launch()
    region.launch(
        ZWFW_HUB_URL=hub.url,
        ZWFW_HUB_CLIENT_ID=registered["client_id"],
        ZWFW_HUB_CLIENT_SECRET=registered["client_secret"],
    )
    hub.wait_ready()
    region.wait_ready()

    with httpx.Client(follow_redirects=True, timeout=30) as browser:
        # when the citizen opens the regional node's login page and chooses the national account
        login_page = browser.get(f"{region.url}/account/login/", params={"next": "/account/"})
        assert "使用国家政务服务平台账号登录" in login_page.text
        link = re.search(r'id="hub-login" href="([^"]+)"', login_page.text).group(1).replace("&amp;", "&")
        hub_login = browser.get(urljoin(str(login_page.url), link))
        # then the browser is at the hub's own login page
        assert str(hub_login.url).startswith(f"{hub.url}/account/login/")
        # when they sign in at the hub with their password
        consent = _submit(
            browser,
            hub_login,
            Forms(hub_login.text).find("password-form"),
            identifier=MOBILE,
            password=PASSWORD,
        )
        # then the hub asks for consent to share name, mobile and ID number with the regional node
        assert str(consent.url).startswith(f"{hub.url}/oauth/authorize/"), consent.text[:2000]
        assert "浙江政务服务网" in consent.text
        assert 'data-scope="idcard"' in consent.text
        # when they agree
        landed = _submit(browser, consent, Forms(consent.text).find("authorizationForm"), allow="on")
        # then they land on the regional node's account page, signed in under their verified name
        assert str(landed.url) == f"{region.url}/account/", landed.text[:3000]
        assert landed.status_code == 200
        assert NAME in landed.text

        # when they sign out at the regional node
        logout_page = browser.get(f"{region.url}/account/logout/")
        signed_out = _submit(browser, logout_page, Forms(logout_page.text).find(action_contains="logout"))
        # then the hub ended its session too and sent the browser back to the node
        assert str(signed_out.url) == f"{region.url}/account/hub/signed-out/", signed_out.text[:2000]
        assert "在国家政务服务平台的登录也已同时退出" in signed_out.text
        assert [r.url.host for r in signed_out.history] == ["localhost", "127.0.0.1"]
        # and neither the node nor the hub still knows the browser as signed in
        hub_account = browser.get(f"{hub.url}/account/")
        assert str(hub_account.url).startswith(f"{hub.url}/account/login/")
        node_account = browser.get(f"{region.url}/account/")
        assert str(node_account.url).startswith(f"{region.url}/account/login/")

        # when they sign in through the hub again (already consented: no consent page this time)
        again = browser.get(f"{region.url}/account/hub/login/", params={"next": "/account/"})
        form = Forms(again.text).find("password-form")
        back = _submit(browser, again, form, identifier=MOBILE, password=PASSWORD)
        # then it is the same linked account, nothing duplicated
        assert str(back.url) == f"{region.url}/account/", back.text[:2000]
        assert NAME in back.text

    # and at the regional node: one person with the hub's verified attributes, linked by the pairwise
    # subject the hub issued for this node's sector; the first session ended by the sign-out
    hub_rows, node_rows = hub.shell_process(HUB_SUBJECT), region.shell_process(NODE_ACCOUNTS)
    ((sector, subject),) = json.loads(hub_rows.communicate(timeout=120)[0])
    accounts = json.loads(node_rows.communicate(timeout=120)[0])
    assert sector == "localhost"
    assert accounts["links"] == [[hub.url, subject, NAME]]
    assert accounts["people"] == [[NAME, DOCUMENT, 3, MOBILE]]
    assert accounts["events"] == ["hub"]
    assert accounts["sessions"] == [[["pwd"], False], [["pwd"], True]]  # newest first
