"""申请表单: forms defined as data (a JSON Schema, draft 2020-12, plus layout hints) on an item version.

The schema is checked and enforced by the ``jsonschema`` package, formats included (``date``,
``email``, ...). On top of JSON Schema a form keeps three rules of its own: the top level is an
object with ``properties`` (the fields the page lays out), ``required`` names only defined fields,
and a required text of blanks only counts as missing; no text is longer than ``MAX_TEXT``.

免填 (pre-fill): layout hints ``{"prefill": {"field": "source"}}`` fill a field from the verified
identity: ``person.name``, ``person.document_number``, ``enterprise.name``,
``enterprise.credit_code``, ``enterprise.legal_representative``. Pre-filled fields are always
taken from the identity, whatever was sent.
"""

from __future__ import annotations

import math
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from zwfw.core.audit import canonical_json
from zwfw.core.errors import ValidationFailed
from zwfw.core.text import unstorable

PREFILL_SOURCES = {
    "person.name",
    "person.document_number",
    "enterprise.name",
    "enterprise.credit_code",
    "enterprise.legal_representative",
}
MAX_TEXT = 2000
MAX_PROBLEMS = 200


def _schema_error(reason: str) -> ValidationFailed:
    return ValidationFailed("CASE_FORM_SCHEMA_INVALID", f"表单定义有误：{reason}", details={"reason": reason[:200]})


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_schema(schema: Any, layout: Any = None) -> None:
    """Refuse a form definition that is not a valid JSON Schema or breaks the form's own rules."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise _schema_error("顶层应为 type 为 object 的对象")
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise _schema_error("properties 应为对象")
    try:
        Draft202012Validator.check_schema(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "顶层"
        raise _schema_error(f"{where}不是有效的 JSON Schema（{exc.message[:120]}）") from None
    required = schema.get("required", [])
    if any(name not in properties for name in required):
        raise _schema_error("required 只能列出已定义的字段")
    prefill = (layout or {}).get("prefill", {}) if isinstance(layout or {}, dict) else None
    if not isinstance(prefill, dict):
        raise _schema_error("layout.prefill 应为对象")
    for name, source in prefill.items():
        if name not in properties or source not in PREFILL_SOURCES:
            raise _schema_error(f"免填字段{name}或其来源{source!r}无效")


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _label(schema: dict[str, Any], error: ValidationError) -> str:
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    return str(title or _path(error.absolute_path) or "表单")


_REASONS = {
    "type": "{label}的类型不正确",
    "const": "{label}的值不符合要求",
    "enum": "{label}应为可选值之一",
    "maxLength": "{label}过长",
    "minLength": "{label}过短",
    "pattern": "{label}格式不正确",
    "format": "{label}格式不正确",
    "minimum": "{label}不能小于{value}",
    "exclusiveMinimum": "{label}应大于{value}",
    "maximum": "{label}不能大于{value}",
    "exclusiveMaximum": "{label}应小于{value}",
    "minItems": "{label}至少{value}项",
    "maxItems": "{label}最多{value}项",
    "uniqueItems": "{label}不能有重复项",
}


def validate_form(schema: dict[str, Any], data: Any) -> list[dict[str, str]]:
    """Every problem of ``data`` against ``schema`` as [{"field", "reason"}] in Chinese; [] when valid."""
    if not isinstance(data, dict):
        return [{"field": "", "reason": "表单数据应为对象"}]
    properties: dict[str, Any] = schema.get("properties", {})
    problems: list[dict[str, str]] = []
    blank = {
        name for name in schema.get("required", [])
        if isinstance(data.get(name), str) and not data[name].strip()
    }
    problems.extend({"field": name, "reason": f"请填写{_title(properties, name)}"} for name in sorted(blank))
    for error in _validator(schema).iter_errors(data):
        if len(problems) >= MAX_PROBLEMS:
            break
        field = _path(error.absolute_path)
        if error.absolute_path and error.absolute_path[0] in blank:
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            titles = error.schema.get("properties", {})
            problems.extend(
                {"field": _path((*error.absolute_path, name)), "reason": f"请填写{_title(titles, name)}"}
                for name in error.validator_value
                if name not in error.instance
            )
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            problems.extend(
                {"field": _path((*error.absolute_path, str(name)[:40])), "reason": "表单没有此字段"}
                for name in sorted(map(str, error.instance)) if name not in known
            )
        else:
            template = _REASONS.get(str(error.validator), "{label}不符合要求")
            problems.append(
                {"field": field, "reason": template.format(label=_label(schema, error), value=error.validator_value)}
            )
    problems.extend(
        {"field": _path(path), "reason": f"{_title(properties, path[0]) if path else '表单'}不能超过{MAX_TEXT}字"}
        for path in _long_texts(data)
    )
    return problems


def _title(properties: Any, name: Any) -> str:
    """The field's title, or its name (a field schema may also be ``true``)."""
    field = properties.get(name) if isinstance(properties, dict) else None
    return str(field.get("title", name)) if isinstance(field, dict) else str(name)


MAX_FORM_CHARS = 100_000  # the whole form as JSON
MAX_FORM_DEPTH = 10


def check_form_data(data: Any) -> None:
    """Form data as the platform can keep it, whatever the item's form says: an object at most
    MAX_FORM_DEPTH levels deep, no NaN or infinite number, no control character in a text, at most
    MAX_FORM_CHARS characters as JSON. Raises ValidationFailed (CASE_FORM_INVALID / _TOO_LARGE)."""
    if not isinstance(data, dict):
        raise ValidationFailed("CASE_FORM_INVALID", "表单数据应为对象", details=[{"field": "", "reason": "表单数据应为对象"}])
    stack: list[tuple[Any, tuple, int]] = [(data, (), 1)]  # a loop, not recursion: any depth is refused, not a crash
    while stack:
        value, path, depth = stack.pop()
        field = ".".join(str(part) for part in path)
        reason = ""
        if isinstance(value, dict | list):
            if depth > MAX_FORM_DEPTH:
                reason = f"表单数据不能超过{MAX_FORM_DEPTH}层"
            else:
                pairs = value.items() if isinstance(value, dict) else enumerate(value)
                for key, item in pairs:
                    if isinstance(key, str) and unstorable(key, line_breaks=True):
                        reason = "字段名不能包含控制字符"
                        break
                    stack.append((item, (*path, key), depth + 1))
        elif isinstance(value, float) and not math.isfinite(value):
            reason = "数字不能是 NaN 或无穷大"
        elif isinstance(value, str) and unstorable(value, line_breaks=True):
            reason = "不能包含控制字符"
        if reason:
            raise ValidationFailed("CASE_FORM_INVALID", f"表单填写有误：{reason}", details=[{"field": field, "reason": reason}])
    if len(canonical_json(data)) > MAX_FORM_CHARS:
        raise ValidationFailed("CASE_FORM_TOO_LARGE", f"表单数据过大（不超过{MAX_FORM_CHARS}个字符）")


def _long_texts(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, str):
        return [path] if len(value) > MAX_TEXT else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _long_texts(item, (*path, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _long_texts(item, (*path, i))]
    return []


def prefill_values(layout: dict[str, Any], *, person: Any, enterprise: Any = None) -> dict[str, str]:
    """免填: the values of pre-filled fields from the verified identity of the applicant."""
    values: dict[str, str] = {}
    for name, source in (layout or {}).get("prefill", {}).items():
        owner, _, attribute = source.partition(".")
        if owner == "person":
            values[name] = str(getattr(person, attribute))
        elif enterprise is not None:
            values[name] = (
                enterprise.legal_representative.name
                if attribute == "legal_representative"
                else str(getattr(enterprise, attribute))
            )
    return values
