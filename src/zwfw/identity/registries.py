"""权威库核验: the population registry (人口库) and the enterprise registry (法人库) behind one interface.

Registration matches what a person types against these registries (国办函〔2016〕108号: name and ID
number checked against the population registry). The node holds a local copy (``LocalRegistry``
over ``PopulationRecord`` / ``EnterpriseRecord``, seeded with fictional data in the demo); the
data-sharing module will later plug in a registry served by other nodes with
``use_registries(population=..., enterprise=...)`` at start-up. No setting chooses the registry:
whoever registers last at start-up wins, the local one is the default.

A match result never says *which* field differed to the person registering (the service turns
every mismatch into one generic error); the fields are there for the audit details.
"""

from __future__ import annotations

import abc
import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from zwfw.core.codes import parse_credit_code
from zwfw.core.errors import ValidationFailed
from zwfw.identity.documents import validate_document
from zwfw.identity.indexes import document_index
from zwfw.identity.models import (
    DocumentType,
    EnterpriseKind,
    EnterpriseRecord,
    PopulationRecord,
    RegistryStatus,
)


@dataclass(frozen=True)
class MatchResult:
    """人口库比对结果."""

    found: bool
    name_matches: bool = False
    active: bool = False
    birth_date: dt.date | None = None
    valid_until: dt.date | None = None  # None: 长期有效
    guardian_index: str = ""

    @property
    def matched(self) -> bool:
        return self.found and self.name_matches and self.active


@dataclass(frozen=True)
class EnterpriseMatch:
    """法人库比对结果."""

    found: bool
    legal_rep_matches: bool = False
    active: bool = False
    credit_code: str = ""
    name: str = ""
    kind: str = ""

    @property
    def matched(self) -> bool:
        return self.found and self.legal_rep_matches and self.active


class PopulationRegistry(abc.ABC):
    @abc.abstractmethod
    def match_person(self, document_type: str, number: str, name: str) -> MatchResult:
        """Compare a normalised document number and a name with the registry."""

    @abc.abstractmethod
    def record_of(self, document_type: str, number: str) -> MatchResult:
        """The registry's facts on a document (name not compared): used for guardianship."""


class EnterpriseRegistry(abc.ABC):
    @abc.abstractmethod
    def match_enterprise(
        self, credit_code: str, legal_rep_name: str, legal_rep_document: tuple[str, str]
    ) -> EnterpriseMatch:
        """Compare a credit code and its legal representative (name, (document type, number))."""


def _same_name(a: str, b: str) -> bool:
    # Names compare without surrounding or inner spaces; middle dots of transliterated names vary.
    def norm(s: str) -> str:
        return "".join((s or "").split()).replace("•", "·").replace("．", "·")

    return bool(norm(a)) and norm(a) == norm(b)


class LocalRegistry(PopulationRegistry, EnterpriseRegistry):
    """The registries as rows this node holds."""

    def match_person(self, document_type: str, number: str, name: str) -> MatchResult:
        record = PopulationRecord.objects.filter(document_index=document_index(document_type, number)).first()
        if record is None or record.document_type != document_type:
            return MatchResult(found=False)
        return MatchResult(
            found=True,
            name_matches=_same_name(record.name, name),
            active=record.status == RegistryStatus.NORMAL,
            birth_date=record.birth_date,
            valid_until=record.document_valid_until,
            guardian_index=record.guardian_index,
        )

    def record_of(self, document_type: str, number: str) -> MatchResult:
        record = PopulationRecord.objects.filter(document_index=document_index(document_type, number)).first()
        if record is None:
            return MatchResult(found=False)
        return self.match_person(document_type, number, record.name)

    def match_enterprise(
        self, credit_code: str, legal_rep_name: str, legal_rep_document: tuple[str, str]
    ) -> EnterpriseMatch:
        record = EnterpriseRecord.objects.filter(credit_code=credit_code).first()
        if record is None:
            return EnterpriseMatch(found=False)
        rep_index = document_index(*legal_rep_document)
        return EnterpriseMatch(
            found=True,
            legal_rep_matches=_same_name(record.legal_representative_name, legal_rep_name)
            and record.legal_representative_index == rep_index,
            active=record.status == RegistryStatus.NORMAL,
            credit_code=record.credit_code,
            name=record.name,
            kind=record.kind,
        )


_LOCAL = LocalRegistry()
_current: dict[str, object] = {"population": _LOCAL, "enterprise": _LOCAL}


def population_registry() -> PopulationRegistry:
    """The population registry in use (the local one unless another module plugged one in)."""
    registry = _current["population"]
    assert isinstance(registry, PopulationRegistry)
    return registry


def enterprise_registry() -> EnterpriseRegistry:
    registry = _current["enterprise"]
    assert isinstance(registry, EnterpriseRegistry)
    return registry


def use_registries(
    *, population: PopulationRegistry | None = None, enterprise: EnterpriseRegistry | None = None
) -> None:
    """Plug in other registries (data sharing does this at start-up); ``None`` keeps the current one."""
    if population is not None:
        _current["population"] = population
    if enterprise is not None:
        _current["enterprise"] = enterprise


def reset_registries() -> None:
    """Back to the local registries (tests)."""
    _current["population"] = _LOCAL
    _current["enterprise"] = _LOCAL


# ---------------------------------------------------------------------------------------------
# Loading registry data (demo seed, imports from the authoritative source)
# ---------------------------------------------------------------------------------------------


def _date_or_none(value: object, field: str) -> dt.date | None:
    if value in (None, "", "长期"):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            "INVALID_REGISTRY_ROW", f"{field}应为 YYYY-MM-DD 日期", details={"field": field}
        ) from None


@transaction.atomic
def load_population_records(rows: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """Insert or update population records, keyed by document; returns ``{"created": n, "updated": n}``.

    A row: ``document_type``, ``document_number``, ``name``, optional ``valid_until`` (YYYY-MM-DD,
    empty = 长期), ``status``, and for a minor ``guardian_document_type`` / ``guardian_document_number``.
    Every number is format-checked; one bad row rejects the whole load (nothing written).
    """
    created = updated = 0
    for line, row in enumerate(rows, start=1):
        try:
            doc = validate_document(
                str(row.get("document_type") or DocumentType.RESIDENT_ID), row.get("document_number")
            )
            guardian_index = ""
            if row.get("guardian_document_number"):
                guardian = validate_document(
                    str(row.get("guardian_document_type") or DocumentType.RESIDENT_ID),
                    row.get("guardian_document_number"),
                )
                guardian_index = document_index(guardian.document_type, guardian.number)
            name = str(row.get("name") or "").strip()
            if not name:
                raise ValidationFailed("INVALID_REGISTRY_ROW", "姓名不能为空", details={"field": "name"})
            status = str(row.get("status") or RegistryStatus.NORMAL)
            if status not in RegistryStatus.values:
                raise ValidationFailed(
                    "INVALID_REGISTRY_ROW", "状态应为 normal 或 cancelled", details={"field": "status"}
                )
            values = {
                "document_type": doc.document_type,
                "document_number": doc.number,
                "name": name,
                "birth_date": doc.birth_date or _date_or_none(row.get("birth_date"), "birth_date"),
                "document_valid_until": _date_or_none(row.get("valid_until"), "valid_until"),
                "guardian_index": guardian_index,
                "status": status,
            }
        except ValidationFailed as exc:
            raise ValidationFailed(
                "INVALID_REGISTRY_ROW",
                f"第{line}行：{exc.message}",
                details={"line": line, "error": exc.code},
            ) from None
        _, was_created = PopulationRecord.objects.update_or_create(
            document_index=document_index(doc.document_type, doc.number), defaults=values
        )
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}


@transaction.atomic
def load_enterprise_records(rows: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """Insert or update enterprise records keyed by credit code (validated, GB 32100).

    A row: ``credit_code``, ``name``, ``kind``, ``legal_rep_name``, ``legal_rep_document_type``,
    ``legal_rep_document_number``, optional ``established_on``, ``status``.
    """
    created = updated = 0
    for line, row in enumerate(rows, start=1):
        try:
            code = parse_credit_code(row.get("credit_code")).code  # type: ignore[arg-type]
            rep = validate_document(
                str(row.get("legal_rep_document_type") or DocumentType.RESIDENT_ID),
                row.get("legal_rep_document_number"),
            )
            kind = str(row.get("kind") or EnterpriseKind.ENTERPRISE)
            if kind not in EnterpriseKind.values:
                raise ValidationFailed("INVALID_REGISTRY_ROW", "主体类型不正确", details={"field": "kind"})
            name = str(row.get("name") or "").strip()
            rep_name = str(row.get("legal_rep_name") or "").strip()
            if not name or not rep_name:
                raise ValidationFailed("INVALID_REGISTRY_ROW", "名称和法定代表人姓名不能为空")
            status = str(row.get("status") or RegistryStatus.NORMAL)
            if status not in RegistryStatus.values:
                raise ValidationFailed("INVALID_REGISTRY_ROW", "状态应为 normal 或 cancelled")
            values = {
                "name": name,
                "kind": kind,
                "legal_representative_name": rep_name,
                "legal_representative_index": document_index(rep.document_type, rep.number),
                "established_on": _date_or_none(row.get("established_on"), "established_on"),
                "status": status,
            }
        except ValidationFailed as exc:
            raise ValidationFailed(
                "INVALID_REGISTRY_ROW",
                f"第{line}行：{exc.message}",
                details={"line": line, "error": exc.code},
            ) from None
        _, was_created = EnterpriseRecord.objects.update_or_create(credit_code=code, defaults=values)
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}


def load_population_csv(text: str) -> dict[str, int]:
    """``load_population_records`` over CSV text with a header row of the same field names."""
    return load_population_records(csv.DictReader(io.StringIO(text)))


def load_enterprise_csv(text: str) -> dict[str, int]:
    return load_enterprise_records(csv.DictReader(io.StringIO(text)))
