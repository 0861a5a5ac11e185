"""Bad input on the cases JSON API: each must be a clear Chinese 4xx and change nothing."""

# ruff: noqa: UP031  (raw JSON bodies: %-formatting keeps their braces readable)

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import snapshot
from tests.cases.helpers import GOOD_FORM, pdf_bytes, png_bytes, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, assert_error, call, signed_in  # noqa: F401
from zwfw.cases.models import CaseMaterial

pytestmark = pytest.mark.django_db


def _nested(depth: int) -> dict:
    value: object = "x"
    for _ in range(depth):
        value = {"a": value}
    return {"shop_name": "张记小吃", "area": 35, "deep": value}


@pytest.mark.parametrize("depth", [150, 400, 900])
def test_deeply_nested_form_data_in_a_draft(applicant, item, depth):
    with_form(item)
    before = snapshot()
    response = call(signed_in(applicant), "post", "/drafts", {"item_id": item.pk, "form_data": _nested(depth)})
    assert response.status_code in (201, 400, 422), response.content[:300]
    if response.status_code != 201:
        assert snapshot() == before


@pytest.mark.parametrize("depth", [150, 400, 900])
def test_deeply_nested_form_data_in_a_submission(applicant, item, depth):
    with_form(item)
    before = snapshot()
    response = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": _nested(depth), "idempotency_key": f"deep{depth}"})
    assert_error(response, (400, 422))
    assert snapshot() == before


def test_raw_deep_json_body(applicant, item):
    with_form(item)
    raw = '{"item_id": %d, "form_data": {"a": %s%s}}' % (item.pk, "[" * 100_000, "]" * 100_000)
    response = call(signed_in(applicant), "post", "/drafts", raw=raw)
    assert_error(response, (400, 422))


def test_a_body_over_the_upload_limit(applicant, item):
    with_form(item)
    raw = json.dumps({"item_id": item.pk, "form_data": {"shop_name": "x" * (11 * 1024 * 1024)}})
    response = call(signed_in(applicant), "post", "/drafts", raw=raw)
    assert response.status_code in (400, 413), response.status_code


def test_a_huge_form_for_an_item_without_a_form_is_refused_like_a_draft(applicant, item):
    """save_draft refuses form data over 100,000 characters; a direct submission should too."""
    before = snapshot()
    response = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": {"note": "x" * 5_000_000}, "idempotency_key": "huge"})
    assert_error(response, (400, 413, 422))
    assert snapshot() == before


def test_many_unknown_fields_on_a_schema_that_allows_them(applicant, item):
    from zwfw.cases.models import ItemForm

    ItemForm.objects.create(item=item, schema={"type": "object", "properties": {"a": {"type": "string"}}}, layout={})
    before = snapshot()
    form = {f"k{n}": "v" * 1000 for n in range(3000)}  # 3 MB
    response = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": form, "idempotency_key": "many"})
    assert_error(response, (400, 413, 422))
    assert snapshot() == before


@pytest.mark.parametrize("where", ["value", "key"])
def test_nul_in_submitted_form_data(applicant, item, where):
    with_form(item)
    form = dict(GOOD_FORM)
    if where == "value":
        form["shop_name"] = "张记\x00小吃"
    else:
        form["sh\x00op"] = "x"
    before = snapshot()
    response = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": form, "idempotency_key": f"nul-{where}"})
    assert_error(response, (400, 422))
    assert snapshot() == before


def test_nul_in_a_draft(applicant, item):
    with_form(item)
    before = snapshot()
    response = call(signed_in(applicant), "post", "/drafts",
                    {"item_id": item.pk, "form_data": {"shop_name": "a\x00b"}})
    assert_error(response, (400, 422))
    assert snapshot() == before


def test_nul_in_reasons_and_comments(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item)
    clerk = signed_in(staff["clerk"])
    before = snapshot()
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/refuse", {"reason": "不\x00符"}), (400, 422))
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/comments", {"text": "a\x00"}), (400, 422))
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/corrections",
                      {"items": [{"material": "a\x00", "reason": "b"}]}), (400, 422))
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/withdraw", {"reason": "\x00"}),
                 (400, 422))
    assert snapshot() == before


def test_nul_in_idempotency_header(applicant, item):
    with_form(item)
    response = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": "a\x00b"})
    assert_error(response, 400, "CASE_IDEMPOTENCY_KEY_INVALID")


@pytest.mark.parametrize("value", ["\x00", "a" * 5000, "①②", "９９", "-1", "1e3"])
def test_odd_public_ids_and_params(applicant, staff, item, value):
    with_form(item)
    submit(applicant, item)
    client = signed_in(applicant)
    for path in (f"/mine/{value}", f"/mine/{value}/status"):
        r = call(client, "get", path)
        assert r.status_code in (404, 422), (path, r.status_code)
    r = call(client, "get", "/mine", {"number": value[:30], "status": value[:24]})
    assert r.status_code in (200, 400, 422), r.status_code
    clerk = signed_in(staff["clerk"])
    for params in ({"number": value[:30]}, {"status": value[:24]}, {"page": value[:5]}, {"page_size": value[:5]}):
        r = call(clerk, "get", "/queue", params)
        assert r.status_code in (200, 400, 422), (params, r.status_code, r.content[:200])
        r = call(clerk, "get", "/cases", params)
        assert r.status_code in (200, 400, 422), (params, r.status_code, r.content[:200])


# --- uploads ---------------------------------------------------------------------------------------


def _draft(applicant, item):
    return call(signed_in(applicant), "post", "/drafts", {"item_id": item.pk, "form_data": {}}).json()["public_id"]


@pytest.mark.parametrize(("name", "content", "code"), [
    ("a.pdf", b"hello, not a pdf", "CASE_UPLOAD_TYPE"),
    ("a.png", b"GIF89a" + b"\x00" * 100, "CASE_UPLOAD_TYPE"),
    ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "CASE_UPLOAD_TYPE"),
    ("a.png", png_bytes()[:40], "CASE_UPLOAD_DAMAGED"),
    ("a.pdf", b"%PDF-1.4\n%%EOF", "CASE_UPLOAD_DAMAGED"),
    ("a.pdf", pdf_bytes()[:200], "CASE_UPLOAD_DAMAGED"),
    ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "CASE_UPLOAD_DAMAGED"),
    ("a.png", b"", None),
    ("a.html", b"%PDF-1.4 <html><script>alert(1)</script></html>", "CASE_UPLOAD_DAMAGED"),
])
def test_bad_uploads(applicant, item, name, content, code):
    public_id = _draft(applicant, item)
    before = snapshot(), CaseMaterial.objects.count()
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile(name, content, content_type="image/png")})
    body = assert_error(response, (400, 413, 422))
    if code:
        assert body["code"] == code
    assert (snapshot(), CaseMaterial.objects.count()) == before


def test_a_pdf_with_a_pages_count_that_is_not_a_number(applicant, item):
    public_id = _draft(applicant, item)
    good = pdf_bytes()
    bad = good.replace(b"/Count 1", b"/Count (a)")
    assert bad != good
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile("a.pdf", bad)})
    assert response.status_code in (201, 400, 422)


def test_an_upload_over_10mb(applicant, item):
    public_id = _draft(applicant, item)
    before = CaseMaterial.objects.count()
    content = png_bytes() + b"\x00" * (10 * 1024 * 1024)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile("a.png", content)})
    assert_error(response, (400, 413, 422), "CASE_UPLOAD_TOO_LARGE")
    assert CaseMaterial.objects.count() == before


def test_a_decompression_bomb_png(applicant, item):
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    public_id = _draft(applicant, item)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile("a.png", buffer.getvalue())})
    assert_error(response, (400, 413, 422))


@pytest.mark.parametrize("material_id", ["abc", "-1", "99999999999999999999", "1.5", ""])
def test_upload_with_odd_material_ids(applicant, item, material_id):
    public_id = _draft(applicant, item)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile("a.png", png_bytes()), "material_id": material_id})
    assert response.status_code in (201, 400, 422), (response.status_code, response.content[:300])


def test_upload_with_a_long_filename(applicant, item):
    public_id = _draft(applicant, item)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials",
                                         {"file": SimpleUploadedFile("照片" * 150 + ".png", png_bytes())})
    assert response.status_code in (201, 400, 422), response.content[:300]
    if response.status_code != 201:
        print("LONG FILENAME REFUSED:", response.json())


def test_upload_without_a_file(applicant, item):
    public_id = _draft(applicant, item)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{public_id}/materials", {})
    assert_error(response, (400, 422))


def test_upload_to_a_submitted_case_is_refused(applicant, item):
    with_form(item)
    case = submit(applicant, item)
    response = signed_in(applicant).post(f"/api/v1/cases/mine/{case.public_id}/materials",
                                         {"file": SimpleUploadedFile("a.png", png_bytes())})
    assert_error(response, 409, "CASE_MATERIALS_LOCKED")


# --- bundles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form_data", ["[]", "1", "null", '"x"', "{bad", '{"baby_name": "\\u0000x"}'])
def test_bundle_with_odd_form_data(applicant, newborn, form_data):
    before = snapshot()
    response = signed_in(applicant).post("/api/v1/cases/events/newborn/submissions",
                                         {"form_data": form_data, "idempotency_key": "b1"})
    assert_error(response, (400, 422))
    assert snapshot() == before
