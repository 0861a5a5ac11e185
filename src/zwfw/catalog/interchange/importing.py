"""Import of the catalogue (docs/catalog-format.md, format `zwfw-catalog/1`).

Three forms of the same data: JSON; XLSX (one sheet per list, lists inside a row as JSON text, materials and
handling items on sheets of their own keyed by `item_code`); CSV (a zip of one CSV file per sheet, or a
directory of them).

An import is validated whole before anything is written: every problem of the file is reported with its row
(JSON pointer, or sheet and row number), field and reason, and a bad file imports nothing. The writes go
through the services (validated again, audited) in one transaction. An item whose content equals its
published version is left alone, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from zwfw.catalog import services
from zwfw.catalog.errors import CatalogImportError
from zwfw.catalog.interchange.sheets import KINDS, assemble, read_csv, read_xlsx
from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    FORMAT,
    TOPIC_FIELDS,
    base_item_record,
    department_record,
    item_record,
    normalise_item,
    topic_record,
    with_defaults,
)
from zwfw.catalog.validation import (
    BaseFacts,
    Problem,
    Refs,
    base_item_conflicts,
    check_base_item,
    check_department,
    check_item,
    check_topic,
)
from zwfw.core.errors import DomainError

KEYS = {"departments": "credit_code", "topics": "code", "base_items": "code", "items": "code"}
FORMATS = ("json", "xlsx", "csv")
IMPORT_CHANGE_NOTE = "导入"


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do): per kind, how many rows were created / updated /
    unchanged; `published` counts the item versions published."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in KINDS}
    )
    published: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "published": self.published, "dry_run": self.dry_run}

    def summary(self) -> str:
        names = {
            "departments": "部门",
            "topics": "主题",
            "base_items": "基本目录事项",
            "items": "实施清单事项",
        }
        parts = [
            f"{names[k]}：新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}"
            for k, c in self.counts.items()
        ]
        prefix = "（试运行，未写入）" if self.dry_run else ""
        return prefix + "；".join(parts) + f"；发布 {self.published} 个版本"


def import_catalog(
    data: Mapping[str, Any] | bytes | str,
    *,
    fmt: str = "json",
    actor: str = "system",
    publish: bool = True,
    dry_run: bool = False,
    source_ip: str | None = None,
) -> ImportReport:
    """Import a catalogue file. `data`: a parsed JSON dict, or the file's bytes (JSON, XLSX, or a zip of
    CSV files); for fmt="csv" also a mapping {"items.csv": text, ...}. Raises CatalogImportError with
    details [{"row", "field", "reason"}] (plus "sheet"/"line" for spreadsheets) and writes nothing if any
    row breaks a rule."""
    doc, locator, problems = parse(data, fmt=fmt)
    if not problems:
        problems = [(f"{pointer}{p.row}", p) for pointer, p in _check_document(doc, publish=publish)]
    if problems:
        raise CatalogImportError(_render(problems, locator))
    if dry_run:
        return _report(_plan(doc, publish=publish), publish=publish, dry_run=True)
    current = ""
    try:
        # One transaction: the plan is read and carried out on the same state, and a failure undoes it all.
        with transaction.atomic():
            plan = _plan(doc, publish=publish)
            replaced = _replaced_items(doc, publish=publish)
            for kind, pointer, record, action in plan:
                current = pointer
                _apply(
                    kind,
                    record,
                    action,
                    actor=actor,
                    publish=publish,
                    source_ip=source_ip,
                    replaced_items=replaced,
                )
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, list) else [{"field": "", "reason": exc.message}]
        rows = [(current, Problem("", d.get("field", ""), d.get("reason", exc.message))) for d in details]
        raise CatalogImportError(_render(rows, locator)) from exc
    return _report(plan, publish=publish, dry_run=False)


def _report(
    plan: list[tuple[str, str, dict[str, Any], str]], *, publish: bool, dry_run: bool
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    for kind, _, _, action in plan:
        report.counts[kind][action] += 1
    if publish:
        report.published = sum(1 for kind, _, _, action in plan if kind == "items" and action != "unchanged")
    return report


def parse(
    data: Mapping[str, Any] | bytes | str, *, fmt: str = "json"
) -> tuple[dict[str, Any], dict[str, tuple[str, int]], list[tuple[str, Problem]]]:
    """The file as a JSON document, a locator (JSON pointer -> (sheet, row)) and the problems of reading it."""
    if fmt not in FORMATS:
        return {}, {}, [("", Problem("", "format", f"不支持的格式 {fmt}，可选 json、xlsx、csv"))]
    if fmt == "json":
        if isinstance(data, bytes | str):
            try:
                data = json.loads(data)
            except (UnicodeDecodeError, ValueError) as exc:
                return {}, {}, [("", Problem("", "", f"不是合法的 JSON：{exc}"))]
        if not isinstance(data, Mapping):
            return {}, {}, [("", Problem("", "", "文件内容应为 JSON 对象"))]
        return dict(data), {}, []
    if fmt == "xlsx":
        if not isinstance(data, bytes):
            return {}, {}, [("", Problem("", "", "XLSX 文件应以字节读入"))]
        sheets = read_xlsx(data)
    else:
        sheets = read_csv(data)
    if isinstance(sheets, str):
        return {}, {}, [("", Problem("", "", sheets))]
    return assemble(sheets)


def _check_document(doc: Mapping[str, Any], *, publish: bool = True) -> list[tuple[str, Problem]]:
    """Every problem of a whole document, each with the JSON pointer of its record. `publish`: whether the
    file's items will replace their published versions (else published items must fit the file's base
    items as they are)."""
    out: list[tuple[str, Problem]] = []
    for key in doc:
        if key not in (*KINDS, "format"):
            out.append(("", Problem("", key, "未知字段")))
    if "format" in doc and doc["format"] != FORMAT:
        out.append(("", Problem("", "format", f"格式应为 {FORMAT}")))
    lists: dict[str, list[Any]] = {}
    for kind in KINDS:
        value = doc.get(kind, [])
        if not isinstance(value, list):
            out.append(("", Problem("", kind, "应为列表")))
            value = []
        lists[kind] = value
    if out:
        return out

    # Keys seen in the file (first occurrence wins; later ones are duplicates).
    seen: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for kind in KINDS:
        key = KEYS[kind]
        for index, record in enumerate(lists[kind]):
            value = record.get(key) if isinstance(record, Mapping) else None
            if isinstance(value, str) and value:
                if value in seen[kind]:
                    out.append((f"/{kind}/{index}", Problem("", key, f"与第 {seen[kind][value]} 条重复")))
                else:
                    seen[kind][value] = index
    base_facts = {
        r["code"]: BaseFacts(r["kind"], r["legal_limit_days"])
        for r in lists["base_items"]
        if isinstance(r, Mapping)
        and isinstance(r.get("code"), str)
        and isinstance(r.get("kind"), str)
        and isinstance(r.get("legal_limit_days"), int)
    }
    refs = CachedRefs(departments=seen["departments"], topics=seen["topics"], base_items=base_facts)
    checks = {
        "departments": check_department,
        "topics": check_topic,
        "base_items": check_base_item,
        "items": check_item,
    }
    valid_bases: list[tuple[int, Mapping[str, Any]]] = []
    for kind in KINDS:
        for index, record in enumerate(lists[kind]):
            problems = checks[kind](record, refs=refs)
            out += [(f"/{kind}/{index}", p) for p in problems]
            if kind == "base_items" and not problems:
                valid_bases.append((index, record))
    # A changed base item must still fit the published items implementing it, unless the file replaces
    # them (those are checked above against the file's base item).
    replaced = _replaced_items(doc, publish=publish)
    for index, record in valid_bases:
        conflicts = base_item_conflicts(
            record["code"], record["kind"], record["legal_limit_days"], replaced_items=replaced
        )
        out += [(f"/base_items/{index}", p) for _, p in conflicts]
    if not out:
        out += _cycles(lists["departments"], "departments", "credit_code", "parent_credit_code")
        out += _cycles(lists["base_items"], "base_items", "code", "parent_code")
    return out


def _replaced_items(doc: Mapping[str, Any], *, publish: bool) -> frozenset[str]:
    """Codes of the items whose published version the import replaces (only when it publishes)."""
    if not publish:
        return frozenset()
    items = doc.get("items", [])
    return frozenset(r["code"] for r in items if isinstance(r, Mapping) and isinstance(r.get("code"), str))


class CachedRefs(Refs):
    """Refs that remember database answers for the length of one import check."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache: dict[tuple[str, str], Any] = {}

    def _memo(self, kind: str, key: str, fn: Any) -> Any:
        if (kind, key) not in self._cache:
            self._cache[(kind, key)] = fn(key)
        return self._cache[(kind, key)]

    def has_department(self, credit_code: str) -> bool:
        return self._memo("d", credit_code, super().has_department)

    def has_topic(self, code: str) -> bool:
        return self._memo("t", code, super().has_topic)

    def base_item(self, code: str) -> BaseFacts | None:
        return self._memo("b", code, super().base_item)


def _cycles(
    records: list[Mapping[str, Any]], kind: str, key: str, parent_key: str
) -> list[tuple[str, Problem]]:
    parents = {r[key]: r.get(parent_key) for r in records}
    index = {r[key]: i for i, r in enumerate(records)}
    out = []
    for start in parents:
        node, steps = start, 0
        while node in parents and parents[node] and steps <= len(parents):
            node, steps = parents[node], steps + 1
        if steps > len(parents):
            out.append((f"/{kind}/{index[start]}", Problem("", parent_key, "上级关系形成循环")))
    return out


def _topological(records: list[dict[str, Any]], key: str, parent_key: str) -> list[int]:
    """Indexes of records ordered so that a parent in the file comes before its children."""
    by_key = {r[key]: i for i, r in enumerate(records)}
    order: list[int] = []
    done: set[int] = set()

    def visit(i: int) -> None:
        if i in done:
            return
        done.add(i)
        parent = records[i].get(parent_key)
        if parent in by_key:
            visit(by_key[parent])
        order.append(i)

    for i in range(len(records)):
        visit(i)
    return order


def _plan(doc: Mapping[str, Any], *, publish: bool) -> list[tuple[str, str, dict[str, Any], str]]:
    """(kind, pointer, record, action) in the order of writing; action is created / updated / unchanged."""
    plan: list[tuple[str, str, dict[str, Any], str]] = []
    departments = [with_defaults(r, DEPARTMENT_FIELDS) for r in doc.get("departments", [])]
    existing = {
        d.credit_code: department_record(d)
        for d in Department.objects.select_related("parent").filter(
            credit_code__in=[r["credit_code"] for r in departments]
        )
    }
    for i in _topological(departments, "credit_code", "parent_credit_code"):
        plan.append(
            (
                "departments",
                f"/departments/{i}",
                departments[i],
                _action(existing, departments[i], "credit_code"),
            )
        )

    topics = [with_defaults(r, TOPIC_FIELDS) for r in doc.get("topics", [])]
    existing = {t.code: topic_record(t) for t in Topic.objects.filter(code__in=[r["code"] for r in topics])}
    plan += [("topics", f"/topics/{i}", r, _action(existing, r, "code")) for i, r in enumerate(topics)]

    bases = [with_defaults(r, BASE_ITEM_FIELDS) for r in doc.get("base_items", [])]
    existing = {
        b.code: base_item_record(b)
        for b in BaseItem.objects.select_related("parent").filter(code__in=[r["code"] for r in bases])
    }
    for i in _topological(bases, "code", "parent_code"):
        plan.append(("base_items", f"/base_items/{i}", bases[i], _action(existing, bases[i], "code")))

    items = [normalise_item(r) for r in doc.get("items", [])]
    versions = _current_versions([r["code"] for r in items])
    for i, record in enumerate(items):
        published, draft = versions.get(record["code"], (None, None))
        if published is None and draft is None:
            latest = (
                ImplementationItem.objects.filter(code=record["code"])
                .select_related("department", "base_item")
                .order_by("-version")
                .first()
            )
            if latest is None:
                action = "created"
            else:
                # Withdrawn by an operator: the same content again does not bring it back on line.
                action = "unchanged" if item_record(latest) == record else "updated"
        elif (published is not None and published == record) or (
            not publish and draft is not None and draft == record
        ):
            action = "unchanged"
        else:
            action = "updated"
        plan.append(("items", f"/items/{i}", record, action))
    return plan


def _action(existing: Mapping[str, dict[str, Any]], record: dict[str, Any], key: str) -> str:
    current = existing.get(record[key])
    if current is None:
        return "created"
    return "unchanged" if current == record else "updated"


def _current_versions(codes: list[str]) -> dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """{code: (published record, draft record)} for the given item codes, read in batches."""
    out: dict[str, list[dict[str, Any] | None]] = {}
    for start in range(0, len(codes), 500):
        rows = (
            ImplementationItem.objects.filter(
                code__in=codes[start : start + 500], status__in=[ItemStatus.PUBLISHED, ItemStatus.DRAFT]
            )
            .select_related("department", "base_item")
            .prefetch_related(
                "topics",
                Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id")),
                Prefetch("handling_items", queryset=HandlingItem.objects.order_by("sort_order", "id")),
            )
        )
        for row in rows:
            slot = out.setdefault(row.code, [None, None])
            slot[0 if row.status == ItemStatus.PUBLISHED else 1] = item_record(row)
    return {code: (pair[0], pair[1]) for code, pair in out.items()}


def _apply(
    kind: str,
    record: dict[str, Any],
    action: str,
    *,
    actor: str,
    publish: bool,
    source_ip: str | None,
    replaced_items: frozenset[str] = frozenset(),
) -> None:
    if action == "unchanged":
        return
    if kind == "departments":
        if action == "created":
            services.create_department(actor=actor, data=record, source_ip=source_ip)
        else:
            services.update_department(
                actor=actor, credit_code=record["credit_code"], changes=record, source_ip=source_ip
            )
    elif kind == "topics":
        if action == "created":
            services.create_topic(actor=actor, data=record, source_ip=source_ip)
        else:
            services.update_topic(actor=actor, code=record["code"], changes=record, source_ip=source_ip)
    elif kind == "base_items":
        if action == "created":
            services.create_base_item(actor=actor, data=record, source_ip=source_ip)
        else:
            services.update_base_item(
                actor=actor,
                code=record["code"],
                changes=record,
                source_ip=source_ip,
                replaced_items=replaced_items,
            )
    else:
        code = record["code"]
        if action == "created":
            services.create_item_draft(
                actor=actor, data=record, change_note=IMPORT_CHANGE_NOTE, source_ip=source_ip
            )
        else:
            if not ImplementationItem.objects.filter(code=code, status=ItemStatus.DRAFT).exists():
                services.start_revision(
                    actor=actor, code=code, change_note=IMPORT_CHANGE_NOTE, source_ip=source_ip
                )
            services.update_draft(
                actor=actor, code=code, changes=record, change_note=IMPORT_CHANGE_NOTE, source_ip=source_ip
            )
        if publish:
            services.publish(actor=actor, code=code, source_ip=source_ip)


def _render(
    problems: Iterable[tuple[str, Problem]], locator: Mapping[str, tuple[str, int]]
) -> list[dict[str, Any]]:
    """Problems as report rows: row (JSON pointer, or "<sheet> 第 N 行"), field, reason."""
    rows = []
    for pointer, problem in problems:
        # A problem inside a record's nested list (e.g. legal_bases.0.kind) stays on the record's row.
        full = pointer or "/"  # "/" = the document as a whole
        entry: dict[str, Any] = {"row": full, "field": problem.field, "reason": problem.reason}
        located = locator.get(pointer)
        if located is not None:
            sheet, line = located
            entry = {
                "row": f"{sheet} 第 {line} 行",
                "sheet": sheet,
                "line": line,
                "pointer": full,
                "field": problem.field,
                "reason": problem.reason,
            }
        rows.append(entry)
    return rows
