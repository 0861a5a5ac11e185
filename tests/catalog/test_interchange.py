"""Import and export of the catalogue: whole-file validation, nothing written on error, round trips and
idempotent re-import, in JSON, XLSX and CSV."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.catalog.factories import credit_code, department_record, item_record
from zwfw.catalog import interchange, services
from zwfw.catalog.errors import CatalogImportError, CatalogValidationError
from zwfw.catalog.interchange import export_catalog, import_catalog, sheets
from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def sample_document(n_items: int = 3) -> dict:
    """A valid document: a department and its parent, two topics, a base item and its child, n items."""
    parent = department_record(10, name="浙江省人民政府办公厅")
    dept = department_record(11, parent_credit_code=parent["credit_code"], name="浙江省公安厅")
    base_parent = {
        "code": "000105000000",
        "name": "居民身份证",
        "kind": "public_service",
        "exercise_level": "county",
        "parent_code": None,
        "legal_bases": [],
        "legal_limit_days": 60,
    }
    base = {
        "code": "000105001000",
        "name": "居民身份证申领",
        "kind": "public_service",
        "exercise_level": "county",
        "parent_code": "000105000000",
        "legal_bases": [{"kind": "law", "name": "中华人民共和国居民身份证法", "article": "第八条"}],
        "legal_limit_days": 60,
    }
    dept_obj = SimpleNamespace(credit_code=dept["credit_code"])
    base_obj = SimpleNamespace(code=base["code"], kind=base["kind"], legal_limit_days=60)
    items = [item_record(dept_obj, base_obj, n=i + 1, topics=["birth"]) for i in range(n_items)]
    if items:
        items[0]["name"] = "=SUM(A1)"  # text that a spreadsheet would take for a formula
        items[0]["conditions"] = "第一行\n第二行，含“引号”和,逗号"
    return {
        "format": "zwfw-catalog/1",
        # The child department comes first: the import orders parents before children.
        "departments": [dept, parent],
        "topics": [
            {"code": "birth", "name": "生育收养", "audience": "person", "description": "", "sort_order": 1},
            {
                "code": "company",
                "name": "开办企业",
                "audience": "enterprise",
                "description": "",
                "sort_order": 2,
            },
        ],
        "base_items": [base, base_parent],
        "items": items,
    }


def snapshot() -> dict:
    """Everything an import could change: row counts per model, item versions, the audit log."""
    return {
        "departments": list(
            Department.objects.order_by("id").values_list("credit_code", "name", "parent_id")
        ),
        "topics": Topic.objects.count(),
        "base_items": list(BaseItem.objects.order_by("id").values_list("code", "legal_limit_days")),
        "items": list(
            ImplementationItem.objects.order_by("id").values_list("code", "version", "status", "name")
        ),
        "materials": Material.objects.count(),
        "handling_items": HandlingItem.objects.count(),
        "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "hash")),
    }


def wipe_catalog() -> None:
    ImplementationItem.objects.all().delete()
    BaseItem.objects.filter(parent__isnull=False).delete()
    BaseItem.objects.all().delete()
    Department.objects.filter(parent__isnull=False).delete()
    Department.objects.all().delete()
    Topic.objects.all().delete()


def counts(created=0, updated=0, unchanged=0):
    return {"created": created, "updated": updated, "unchanged": unchanged}


# ---- import -------------------------------------------------------------------------------------------------


def test_import_creates_and_publishes_everything_in_the_file():
    report = import_catalog(sample_document(), actor="system", publish=True)

    assert report.counts == {
        "departments": counts(created=2),
        "topics": counts(created=2),
        "base_items": counts(created=2),
        "items": counts(created=3),
    }
    assert report.published == 3
    child = Department.objects.get(credit_code=credit_code(11))
    assert child.parent.credit_code == credit_code(10)
    assert BaseItem.objects.get(code="000105001000").parent.code == "000105000000"
    assert set(ImplementationItem.objects.values_list("status", flat=True)) == {ItemStatus.PUBLISHED}
    assert Material.objects.count() == 9
    assert AuditEntry.objects.filter(action="catalog.item.publish").count() == 3


def test_import_without_publish_leaves_drafts():
    report = import_catalog(sample_document(1), publish=False)
    assert (report.counts["items"], report.published) == (counts(created=1), 0)
    assert list(ImplementationItem.objects.values_list("version", "status")) == [(1, ItemStatus.DRAFT)]
    # Importing the same file again leaves the draft as it is.
    audit = AuditEntry.objects.count()
    again = import_catalog(sample_document(1), publish=False)
    assert again.counts["items"] == counts(unchanged=1)
    assert AuditEntry.objects.count() == audit


def test_reimporting_the_same_file_changes_nothing():
    doc = sample_document()
    import_catalog(doc, actor="system", publish=True)
    before = snapshot()

    report = import_catalog(copy.deepcopy(doc), actor="system", publish=True)

    assert report.changed == 0
    assert report.published == 0
    assert report.counts["items"] == counts(unchanged=3)
    assert snapshot() == before


def test_importing_a_changed_item_publishes_a_new_version_and_supersedes_the_old():
    doc = sample_document()
    import_catalog(doc)
    doc["items"][1]["promised_limit_days"] = 3
    doc["departments"][1]["office_hours"] = "周一至周五"

    report = import_catalog(doc, actor="user:5")

    assert report.counts["items"] == counts(updated=1, unchanged=2)
    assert report.counts["departments"] == counts(updated=1, unchanged=1)
    code = doc["items"][1]["code"]
    assert list(
        ImplementationItem.objects.filter(code=code)
        .order_by("version")
        .values_list("version", "status", "promised_limit_days")
    ) == [(1, ItemStatus.SUPERSEDED, 15), (2, ItemStatus.PUBLISHED, 3)]
    assert ImplementationItem.objects.get(code=code, version=2).change_note == "导入"


def test_dry_run_reports_and_writes_nothing():
    before = snapshot()
    report = import_catalog(sample_document(), dry_run=True)
    assert (report.dry_run, report.counts["items"], report.published) == (True, counts(created=3), 3)
    assert snapshot() == before


# ---- rejected files -----------------------------------------------------------------------------------------


def test_a_bad_row_deep_in_a_json_file_imports_nothing_and_names_row_field_reason():
    import_catalog(sample_document(2))
    before = snapshot()
    doc = sample_document(5)
    doc["items"][0]["name"] = "改过的名称"  # would be an update
    doc["items"][4]["materials"][1]["condition"] = ""
    doc["items"][3]["fees"][0]["name"] = ""
    doc["departments"][0]["region_code"] = "990000"

    with pytest.raises(CatalogImportError) as raised:
        import_catalog(doc, actor="system", publish=True)

    assert raised.value.code == "CATALOG_IMPORT_INVALID"
    assert raised.value.message == "导入文件有 3 处错误，未导入任何数据"
    assert raised.value.details == [
        {"row": "/departments/0", "field": "region_code", "reason": "行政区划代码990000的省级代码99不存在"},
        {"row": "/items/3", "field": "fees.0.name", "reason": "「收费项目名称」不能为空"},
        {"row": "/items/4/materials/1", "field": "condition", "reason": "情形必要的材料应说明适用情形"},
    ]
    assert snapshot() == before


def test_a_bad_row_deep_in_an_xlsx_file_imports_nothing_and_names_sheet_row_field_reason():
    import_catalog(sample_document(2))
    before = snapshot()
    workbook = load_workbook(io.BytesIO(_xlsx_of(sample_document(6))))
    items_sheet, materials = workbook["items"], workbook["materials"]
    header = [c.value for c in materials[1]]
    # Row 18 of the materials sheet: the 2nd material of the 6th item (three materials per item, header row 1).
    assert materials.cell(row=18, column=header.index("requirement") + 1).value == "conditional"
    materials.cell(row=18, column=header.index("condition") + 1).value = None
    items_header = [c.value for c in items_sheet[1]]
    items_sheet.cell(row=5, column=items_header.index("online_depth") + 1).value = "四级"
    buf = io.BytesIO()
    workbook.save(buf)

    with pytest.raises(CatalogImportError) as raised:
        import_catalog(buf.getvalue(), fmt="xlsx")

    assert raised.value.details == [
        {
            "row": "items 第 5 行",
            "sheet": "items",
            "line": 5,
            "pointer": "/items/3",
            "field": "online_depth",
            "reason": "应为整数",
        },
        {
            "row": "materials 第 18 行",
            "sheet": "materials",
            "line": 18,
            "pointer": "/items/5/materials/1",
            "field": "condition",
            "reason": "情形必要的材料应说明适用情形",
        },
    ]
    assert snapshot() == before


def test_a_failure_while_writing_rolls_the_whole_import_back(monkeypatch):
    before = snapshot()
    publish = services.publish
    calls = []

    def publish_then_fail(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 3:
            raise CatalogValidationError(
                "BOOM", "模拟失败", details=[{"field": "name", "reason": "模拟失败"}]
            )
        return publish(**kwargs)

    monkeypatch.setattr(services, "publish", publish_then_fail)
    doc = sample_document()
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(doc)
    assert raised.value.details == [{"row": "/items/2", "field": "name", "reason": "模拟失败"}]
    assert snapshot() == before


def test_unreadable_files_are_reported():
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(b"{not json", fmt="json")
    assert raised.value.details[0]["row"] == "/"
    assert raised.value.details[0]["reason"].startswith("不是合法的 JSON")
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(b"PK\x03\x04 broken", fmt="xlsx")
    assert raised.value.details[0]["reason"].startswith("不是有效的 XLSX 文件")
    with pytest.raises(CatalogImportError) as raised:
        import_catalog({"format": "other/2", "items": {}, "extra": 1})
    assert raised.value.details == [
        {"row": "/", "field": "extra", "reason": "未知字段"},
        {"row": "/", "field": "format", "reason": "格式应为 zwfw-catalog/1"},
        {"row": "/", "field": "items", "reason": "应为列表"},
    ]


def test_duplicates_and_parent_cycles_in_a_file_are_reported():
    doc = sample_document(2)
    doc["items"][1]["code"] = doc["items"][0]["code"]
    doc["items"][1]["handling_items"] = []
    doc["items"][1]["materials"] = []
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(doc)
    assert raised.value.details == [{"row": "/items/1", "field": "code", "reason": "与第 0 条重复"}]

    doc = sample_document(0)
    doc["departments"][1]["parent_credit_code"] = doc["departments"][0]["credit_code"]
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(doc)
    assert [d["reason"] for d in raised.value.details] == ["上级关系形成循环", "上级关系形成循环"]


# ---- export and round trips ---------------------------------------------------------------------------------


def _xlsx_of(doc: dict) -> bytes:
    return sheets.write_xlsx(sheets.to_sheets(doc))


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_export_then_import_round_trips_to_identical_content(fmt):
    import_catalog(sample_document())
    exported = export_catalog(fmt="json")
    data = export_catalog(fmt=fmt)
    if fmt == "json":
        data = interchange.dump_json(data)
    wipe_catalog()

    report = import_catalog(data, fmt=fmt)

    assert report.counts["items"] == counts(created=3)
    assert export_catalog(fmt="json") == exported
    # And the re-import of the same export changes nothing.
    assert import_catalog(data, fmt=fmt).changed == 0


def test_export_document_has_the_documented_shape():
    doc = sample_document(1)
    import_catalog(doc)
    exported = export_catalog()
    assert list(exported) == ["format", "departments", "topics", "base_items", "items"]
    assert exported["items"] == doc["items"]
    assert sorted(d["credit_code"] for d in exported["departments"]) == sorted(
        d["credit_code"] for d in doc["departments"]
    )


def test_csv_export_is_a_zip_of_one_file_per_sheet():
    import_catalog(sample_document(1))
    with zipfile.ZipFile(io.BytesIO(export_catalog(fmt="csv"))) as zf:
        assert sorted(zf.namelist()) == [
            "base_items.csv",
            "departments.csv",
            "handling_items.csv",
            "items.csv",
            "materials.csv",
            "topics.csv",
        ]
        materials = zf.read("materials.csv").decode("utf-8-sig").splitlines()
    assert materials[0].startswith("item_code,name,source,requirement,condition,")
    assert len(materials) == 4


# ---- management commands ------------------------------------------------------------------------------------


def test_commands_export_and_import_files(tmp_path, capsys):
    import_catalog(sample_document(2))
    exported = export_catalog()
    for name in ("catalog.json", "catalog.xlsx", "catalog.zip"):
        call_command("catalog_export", str(tmp_path / name))
    call_command("catalog_export", str(tmp_path / "csvdir"), "--format", "csv")
    assert json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8")) == exported
    assert (tmp_path / "csvdir" / "items.csv").exists()

    wipe_catalog()
    call_command("catalog_import", str(tmp_path / "catalog.xlsx"), "--dry-run")
    assert ImplementationItem.objects.count() == 0
    call_command("catalog_import", str(tmp_path / "csvdir"), "--publish")
    assert export_catalog() == exported
    call_command("catalog_import", str(tmp_path / "catalog.zip"), "--publish")
    out = capsys.readouterr().out
    assert "实施清单事项：新增 0，更新 0，未变 2" in out


def test_import_command_lists_every_problem_and_fails(tmp_path, capsys):
    doc = sample_document(2)
    doc["items"][1]["materials"][2]["license_type_code"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError, match="导入文件有 1 处错误，未导入任何数据"):
        call_command("catalog_import", str(path), "--publish")

    assert (
        "/items/1/materials/2  license_type_code: 来源为电子证照的材料应填写电子证照类型代码"
        in capsys.readouterr().err
    )
    assert Department.objects.count() == 0


def test_reimport_does_not_bring_back_a_withdrawn_item_unless_its_content_changed():
    doc = sample_document(1)
    import_catalog(doc)
    code = doc["items"][0]["code"]
    services.withdraw(actor="user:1", code=code)
    before = snapshot()

    assert import_catalog(copy.deepcopy(doc)).counts["items"] == counts(unchanged=1)
    assert snapshot() == before

    doc["items"][0]["summary"] = "新的事项简介"
    assert import_catalog(doc).counts["items"] == counts(updated=1)
    assert list(
        ImplementationItem.objects.filter(code=code).order_by("version").values_list("version", "status")
    ) == [
        (1, ItemStatus.WITHDRAWN),
        (2, ItemStatus.PUBLISHED),
    ]


def test_xlsx_cells_typed_by_hand_are_read_by_the_field_type():
    workbook = load_workbook(io.BytesIO(_xlsx_of(sample_document(1))))
    items = workbook["items"]
    header = [c.value for c in items[1]]

    def put(name, value):
        items.cell(row=2, column=header.index(name) + 1).value = value

    put("region_code", 330000)  # a number where a code was meant
    put("popularity", 9800.0)  # a float where an integer was meant
    put("is_free", "true")  # text where a boolean was meant
    put("fees", None)  # empty list cell
    put("summary", None)  # empty optional text
    buf = io.BytesIO()
    workbook.save(buf)

    report = import_catalog(buf.getvalue(), fmt="xlsx")

    assert report.counts["items"] == counts(created=1)
    item = ImplementationItem.objects.get()
    assert (item.region_code, item.popularity, item.is_free, item.fees, item.summary) == (
        "330000",
        9800,
        True,
        [],
        "",
    )


# ---- base-item changes against the published items implementing them ------------------------------------


def _limit_reason(code: str, days: int, limit: int) -> str:
    return f"已发布的实施清单事项 {code} 的法定办结时限为 {days} 个工作日，超过基本目录事项修改后的 {limit} 个工作日"


def test_an_import_lowering_a_base_items_limit_below_items_it_does_not_fix_imports_nothing():
    # Given a catalogue whose three published items have a 60-day legal limit, like their base item
    doc = sample_document()
    import_catalog(doc)
    before = snapshot()
    codes = [i["code"] for i in doc["items"]]

    # When a file lowers the base item's limit to 1 day and fixes only the first item
    changed = copy.deepcopy(doc)
    changed["base_items"][0]["legal_limit_days"] = 1
    changed["items"][0].update(legal_limit_days=1, promised_limit_days=1)
    changed["items"] = changed["items"][:1]
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(changed)

    # Then the import is refused, naming the base item's row for each item left unfixed, and writes nothing
    assert raised.value.details == [
        {"row": "/base_items/0", "field": "legal_limit_days", "reason": _limit_reason(code, 60, 1)}
        for code in codes[1:]
    ]
    assert snapshot() == before


def test_an_import_changing_a_base_items_kind_under_published_items_is_refused_from_csv():
    # Given a catalogue with three published 公共服务 items
    doc = sample_document()
    import_catalog(doc)
    before = snapshot()

    # When a CSV file changes the base item's kind (and no item)
    changed = copy.deepcopy(doc)
    changed["base_items"][0]["kind"] = "licensing"
    changed["items"] = []
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(sheets.csv_files(sheets.to_sheets(changed)), fmt="csv")

    # Then each published item is named against the base item's sheet row, and nothing is written
    assert [(d["row"], d["field"]) for d in raised.value.details] == [("base_items 第 2 行", "kind")] * 3
    assert snapshot() == before


def test_an_import_lowering_a_base_item_together_with_all_its_items_passes():
    # Given a catalogue with three published items of 60 days
    doc = sample_document()
    import_catalog(doc)

    # When one file lowers the base item to 10 days and every item to fit
    changed = copy.deepcopy(doc)
    changed["base_items"][0]["legal_limit_days"] = 10
    for item in changed["items"]:
        item.update(legal_limit_days=10, promised_limit_days=10)
    report = import_catalog(changed)

    # Then it is imported, and the node's own export re-imports
    assert report.counts["base_items"] == counts(updated=1, unchanged=1)
    assert report.counts["items"] == counts(updated=3)
    assert BaseItem.objects.get(code=doc["base_items"][0]["code"]).legal_limit_days == 10
    assert import_catalog(export_catalog(), dry_run=True).changed == 0


def test_an_import_without_publish_cannot_fix_the_items_a_lowered_base_item_contradicts():
    # Given a catalogue with three published items of 60 days
    doc = sample_document()
    import_catalog(doc)
    before = snapshot()

    # When a file lowers the base item and the items, but only as drafts (publish=False)
    changed = copy.deepcopy(doc)
    changed["base_items"][0]["legal_limit_days"] = 10
    for item in changed["items"]:
        item.update(legal_limit_days=10, promised_limit_days=10)
    with pytest.raises(CatalogImportError) as raised:
        import_catalog(changed, publish=False)

    # Then it is refused: the published versions would still contradict the base item
    assert [d["field"] for d in raised.value.details] == ["legal_limit_days"] * 3
    assert snapshot() == before


# ---- spreadsheet formula injection ---------------------------------------------------------------------------

FORMULAS = {
    "name": '=HYPERLINK("http://evil.example","点击")',
    "summary": "+cmd|calc!A0",
    "conditions": "@SUM(1+1)",
    "consult_phone": "-2+3",
    "result_name": "\tTAB=1+1",
    "legal_limit_note": "\r=1+1",
    "promised_limit_note": "'=already quoted",
}


def _formula_document() -> dict:
    doc = sample_document(2)
    doc["items"][0].update(FORMULAS)
    return doc


def test_csv_export_neutralises_cells_a_spreadsheet_would_evaluate():
    # Given an item whose texts begin with =, +, -, @, tab, carriage return (and one already quoted)
    import_catalog(_formula_document())

    # When the catalogue is exported as CSV
    with zipfile.ZipFile(io.BytesIO(export_catalog(fmt="csv"))) as zf:
        text = zf.read("items.csv").decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["summary"] == "'+cmd|calc!A0")

    # Then every such cell starts with a single quote, so no cell begins with a formula character
    assert {name: row[name] for name in FORMULAS} == {name: "'" + v for name, v in FORMULAS.items()}
    for values in csv.reader(io.StringIO(text)):
        assert not any(v[:1] in ("=", "+", "@", "\t", "\r") for v in values)


def test_csv_export_then_import_round_trips_formula_like_texts():
    # Given a catalogue with formula-like texts
    import_catalog(_formula_document())
    exported = export_catalog()
    data = export_catalog(fmt="csv")
    wipe_catalog()

    # When its CSV export is imported into an empty catalogue
    report = import_catalog(data, fmt="csv")

    # Then the content is identical (the quotes are undone), and a second import changes nothing
    assert report.counts["items"] == counts(created=2)
    assert export_catalog() == exported
    assert import_catalog(data, fmt="csv").changed == 0


def test_csv_import_keeps_a_leading_quote_that_is_not_the_export_prefix():
    # Given a hand-written CSV whose texts begin with a quote not followed by a formula character
    doc = sample_document(1)
    doc["items"][0]["summary"] = "'quoted' summary"
    files = sheets.csv_files(sheets.to_sheets(doc))

    # When it is imported
    import_catalog(files, fmt="csv")

    # Then the quote is kept
    assert export_catalog()["items"][0]["summary"] == "'quoted' summary"


def test_xlsx_export_stores_formula_like_texts_as_strings_not_formulas():
    # Given an item with formula-like texts
    import_catalog(_formula_document())

    # When the catalogue is exported as XLSX
    workbook = load_workbook(io.BytesIO(export_catalog(fmt="xlsx")))
    ws = workbook["items"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("summary")].value == "+cmd|calc!A0")

    # Then each cell is a string cell (not a formula) holding the text exactly as it is (openpyxl reads
    # with lxml, a dependency of pyhanko, which keeps a carriage return)
    for name, value in FORMULAS.items():
        cell = row[header.index(name)]
        assert (cell.data_type, cell.value) == ("s", value), name
