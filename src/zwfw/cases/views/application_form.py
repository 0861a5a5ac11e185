"""The application form of an item, drawn from its JSON Schema (and its data shown back as rows),
what a POST of it holds, and the item's materials with how each is met."""

from __future__ import annotations

import math
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from zwfw.cases import selectors
from zwfw.cases.models import Case, CaseMaterial, ItemForm
from zwfw.catalog.models import ImplementationItem, Material, MaterialRequirement, MaterialSource

# --- the application form from its JSON Schema ---------------------------------------------------------


def _item_form(item: ImplementationItem) -> ItemForm | None:
    return ItemForm.objects.filter(item=item).first()


def _field_type(spec: dict[str, Any]) -> str:
    kind = spec.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "string" and spec.get("format") == "date":
        return "date"
    return kind if kind in ("string", "number", "integer", "boolean") else "string"


def _fields(form: ItemForm | None, values: dict[str, Any], prefilled: dict[str, str]) -> list[dict[str, Any]]:
    """The form's fields in layout order (then the rest), with what the page needs to draw each."""
    if form is None:
        return []
    properties = form.schema.get("properties", {}) or {}
    order = [name for name in (form.layout or {}).get("order", []) if name in properties]
    order += [name for name in properties if name not in order]
    required = set(form.schema.get("required", []))
    fields = []
    for name in order:
        spec = properties[name] if isinstance(properties[name], dict) else {}
        value = prefilled.get(name, values.get(name, ""))
        fields.append({
            "name": name,
            "input": f"f_{name}",
            "title": str(spec.get("title") or name),
            "description": str(spec.get("description") or ""),
            "type": _field_type(spec),
            "enum": [str(option) for option in spec.get("enum", [])] if isinstance(spec.get("enum"), list) else [],
            "required": name in required,
            "prefilled": name in prefilled,
            "value": "" if value is None else str(value).lower() if isinstance(value, bool) else str(value),
            "min": spec.get("minimum", ""),
            "max": spec.get("maximum", ""),
            "maxlength": spec.get("maxLength", 2000),
        })
    return fields


_INTEGER = re.compile(r"^[+-]?\d{1,15}$")


def _coerce(raw: str, kind: str) -> Any:
    """A posted text as the field's JSON type; text that does not convert stays text, so the form's
    validation names the field (“…的类型不正确”)."""
    if kind == "integer":
        return int(raw) if _INTEGER.match(raw) else raw
    if kind == "number":
        if _INTEGER.match(raw):
            return int(raw)
        try:
            number = float(raw)
        except ValueError:
            return raw
        return number if math.isfinite(number) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def _posted_form(request: HttpRequest, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The form data of a POST; an empty field is left out (a required one is then reported missing)."""
    data: dict[str, Any] = {}
    for field in fields:
        if field["prefilled"]:
            continue  # the services take these from the verified identity, whatever is sent
        raw = str(request.POST.get(field["input"], "")).strip()
        if raw:
            data[field["name"]] = _coerce(raw, field["type"])
    return data


def _materials(item: ImplementationItem, case: Case | None = None) -> list[dict[str, Any]]:
    """The item's materials with how each is met; for a case, the current upload or linked licence."""
    current: dict[int | None, list[CaseMaterial]] = {}
    if case is not None:
        for row in selectors.materials_of(case):
            current.setdefault(row.material_id, []).append(row)
    rows = []
    for material in Material.objects.filter(item=item).order_by("sort_order", "id"):
        if material.source == MaterialSource.E_LICENSE:
            how = _("免提交：将自动调取您的电子证照")
        elif material.source == MaterialSource.SHARED_DATA:
            how = _("免提交：由受理部门通过数据共享获取")
        elif material.source == MaterialSource.DEPARTMENT:
            how = _("免提交：由受理部门向核发部门调取")
        else:
            how = ""
        rows.append({
            "material": material,
            "requirement": MaterialRequirement(material.requirement).label,
            "how": how,
            "uploadable": material.electronic
            and material.source in (MaterialSource.APPLICANT, MaterialSource.E_LICENSE),
            "have": current.get(material.pk, []),
        })
    extra = current.get(None, [])
    if extra:
        rows.append({"material": None, "requirement": _("补充材料"), "how": "", "uploadable": False, "have": extra})
    return rows


def _shown_form(form: ItemForm | None, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The form data as (title, value) rows in the form's order; fields the form no longer has last."""
    fields = _fields(form, {}, {}) if form is not None else []
    titles = [(field["name"], field["title"]) for field in fields]
    known = {name for name, _title in titles}
    titles += [(name, name) for name in data if name not in known]
    return [(title, _display(data[name])) for name, title in titles if name in data]


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
