"""What the catalogue's writes share: the audit entry of each change, a field's immutability error,
the parent-loop check of departments and base items."""

from __future__ import annotations

from typing import Any

from pypinyin import Style, lazy_pinyin

from zwfw.catalog.errors import CatalogValidationError
from zwfw.core import audit


def _parent_cycle(model: Any, key_field: str, key: str, parent_key: str | None) -> bool:
    """Would making `parent_key` the parent of `key` close a loop (walking up from the new parent)?"""
    seen: set[str] = set()
    node = parent_key
    while node and node not in seen:
        if node == key:
            return True
        seen.add(node)
        node = (
            model.objects.filter(**{key_field: node}).values_list(f"parent__{key_field}", flat=True).first()
        )
    return False


def _immutable(field: str, reason: str) -> CatalogValidationError:
    return CatalogValidationError("CATALOG_INVALID", reason, details=[{"field": field, "reason": reason}])


def _audit(
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    source_ip: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        source_ip=source_ip,
        details=details,
    )


def _pinyin_full(*texts: str) -> str:
    return " ".join("".join(lazy_pinyin(t)).lower() for t in texts if t)


def _pinyin_initials(*texts: str) -> str:
    return " ".join("".join(lazy_pinyin(t, style=Style.FIRST_LETTER)).lower() for t in texts if t)
