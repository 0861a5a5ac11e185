"""What issuance, batches, the lifecycle and use share: the issuer and who may issue (its roles, its
department's kind, the seal that signs), the surface data checked against the type and the holder,
what the seal signs, the 流水号 counters, the validity period, the holder's inbox notice and the
idempotency key."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection

from zwfw.catalog.models import Department
from zwfw.core.audit import canonical_json
from zwfw.core.codes import is_valid_credit_code, is_valid_resident_id
from zwfw.core.crypto import blind_index
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedRead
from zwfw.core.text import unstorable
from zwfw.identity.documents import document_type_label, validate_document
from zwfw.identity.models import DocumentType, Enterprise, Person, StaffRole
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses.catalogue import is_of_kind
from zwfw.licenses.models import License, LicenseType, SerialCounter
from zwfw.notifications.models import Channel
from zwfw.notifications.services import send_message
from zwfw.seals.models import Seal, SealKind, SealStatus

ISSUING_ROLES = (StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN)
MAX_VALUE_LENGTH = 500


def holder_index(code: str) -> str:
    """Blind index of a holder's ID number or credit code (normalised upper-case)."""
    return blind_index(code.strip().upper(), purpose="license-holder")


@dataclass(frozen=True)
class Issuer:
    """Who issues: a staff user of the department, or a department system (``system`` label)."""

    user: Any = None
    system: str = ""

    @property
    def label(self) -> str:
        if self.system:
            return self.system
        staff = staff_of(self.user)
        return f"staff:{staff.public_id}" if staff else "anonymous"


def _authorise(issuer: Issuer, department: Department) -> None:
    if issuer.system:
        return
    staff = staff_of(issuer.user)
    if staff is None or staff.department_id != department.pk or not any(
        has_role(issuer.user, role) for role in ISSUING_ROLES
    ):
        raise PermissionDenied("LICENSE_ISSUER_FORBIDDEN", "只有颁发部门的审批人员或部门管理员可以签发证照")


def issuing_kinds(license_type: LicenseType) -> list[str]:
    """颁发部门类别 of the type (none: any department issues it)."""
    kinds = license_type.issuing_department_kinds
    listed = kinds if isinstance(kinds, list) else [kinds]
    return [kind.strip() for kind in listed if isinstance(kind, str) and kind.strip()]


def may_issue(*, license_type: LicenseType, department: Department) -> bool:
    """Whether ``department`` is of a kind that issues ``license_type`` (by its name: ``catalogue``)."""
    kinds = issuing_kinds(license_type)
    return not kinds or any(is_of_kind(department.name, kind) for kind in kinds)


def _check_issuing_kind(license_type: LicenseType, department: Department) -> None:
    if not may_issue(license_type=license_type, department=department):
        raise PermissionDenied(
            "LICENSE_ISSUER_KIND",
            f"“{license_type.name}”由{'、'.join(issuing_kinds(license_type))}签发，{department.name}不能签发该证照",
            details={"field": "type_code"},
        )


# read on every issuance, as is the look-up of its idempotency key: compiled once per connection
_ISSUING_SEAL = PreparedRead(
    lambda department: Seal.objects.filter(
        department=department, status=SealStatus.ACTIVE, kind__in=[SealKind.SPECIAL, SealKind.OFFICIAL]
    )
    .order_by("-kind", "code")  # a 业务专用章 before the 公章
    .values_list("id", "code")[:1]
)


def _issuing_seal(department: Department) -> Seal:
    """The department's active seal that signs its licences (only its id and code loaded)."""
    found = _ISSUING_SEAL.rows(department.pk)
    if not found:
        raise Conflict("LICENSE_NO_SEAL", "颁发部门没有可用的电子印章，不能签发电子证照")
    return Seal.from_db(DEFAULT_DB_ALIAS, ["id", "code"], found[0])


def _holder_facts(holder: Person | Enterprise) -> tuple[str, str]:
    if isinstance(holder, Person):
        return holder.name, holder.document_number
    return holder.name, holder.credit_code


def check_surface(license_type: LicenseType, surface: Any, holder: Person | Enterprise) -> dict[str, str]:
    """The surface data, checked against the type's fields and the holder's verified identity."""
    if not isinstance(surface, dict):
        raise ValidationFailed("LICENSE_SURFACE_INVALID", "照面信息应为对象", details={"field": "surface"})
    fields = {field["key"]: field for field in license_type.fields}
    unknown = sorted(set(surface) - set(fields))
    if unknown:
        raise ValidationFailed(
            "LICENSE_FIELD_UNKNOWN", f"证照类型“{license_type.name}”没有照面项“{str(unknown[0])[:40]}”",
            details={"field": f"surface.{str(unknown[0])[:40]}"},
        )
    name, code = _holder_facts(holder)
    # a person's own number is checked by their document's type: GB 11643 for a resident ID, the
    # form of a passport or permit otherwise (identity.documents, as at registration)
    document_type = holder.document_type if isinstance(holder, Person) else DocumentType.RESIDENT_ID
    checked: dict[str, str] = {}
    for key, field in fields.items():
        value = surface.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in ("holder_name", "holder_id"):
                value = name if key == "holder_name" else code
            elif field.get("required"):
                raise ValidationFailed(
                    "LICENSE_FIELD_REQUIRED", f"请填写{field['label']}", details={"field": f"surface.{key}"}
                )
            else:
                continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ValidationFailed("LICENSE_FIELD_INVALID", f"{field['label']}应为文本", details={"field": f"surface.{key}"})
        text = str(value).strip()
        if len(text) > MAX_VALUE_LENGTH or unstorable(text):
            raise ValidationFailed(
                "LICENSE_FIELD_INVALID", f"{field['label']}不能超过{MAX_VALUE_LENGTH}字，也不能包含控制字符",
                details={"field": f"surface.{key}"},
            )
        kind = field.get("type", "text")
        if key == "holder_id" and kind == "id_number" and document_type != DocumentType.RESIDENT_ID:
            kind = "document_number"
        if kind == "date":
            # exactly YYYY-MM-DD, kept as written: the 亮证 mask shows a date's first 7 characters (the month)
            if not _DATE.fullmatch(text) or not _is_date(text):
                raise ValidationFailed(
                    "LICENSE_FIELD_INVALID", f"{field['label']}应为日期（YYYY-MM-DD）", details={"field": f"surface.{key}"}
                )
        elif kind == "number":
            if not _NUMBER.fullmatch(text):  # float() would take NaN, inf, 1_000 and other scripts' digits
                raise ValidationFailed(
                    "LICENSE_FIELD_INVALID", f"{field['label']}应为数字", details={"field": f"surface.{key}"}
                )
        elif kind == "id_number" and not is_valid_resident_id(text):
            raise ValidationFailed(
                "LICENSE_FIELD_INVALID", f"{field['label']}不是有效的公民身份号码", details={"field": f"surface.{key}"}
            )
        elif kind == "document_number":
            try:
                text = validate_document(document_type, text).number
            except ValidationFailed:
                raise ValidationFailed(
                    "LICENSE_FIELD_INVALID", f"持证者的证件号码不是有效的{document_type_label(document_type)}号码",
                    details={"field": f"surface.{key}"},
                ) from None
        elif kind == "credit_code" and not is_valid_credit_code(text):
            raise ValidationFailed(
                "LICENSE_FIELD_INVALID", f"{field['label']}不是有效的统一社会信用代码", details={"field": f"surface.{key}"}
            )
        checked[key] = text.upper() if kind in ("id_number", "credit_code") else text
    if checked.get("holder_name") != name or checked.get("holder_id", code).upper() != code.upper():
        raise ValidationFailed(
            "LICENSE_HOLDER_MISMATCH", "照面上的持证者姓名（名称）或证件号码与持证者的实名信息不一致",
            details={"field": "surface.holder_name"},
        )
    return checked


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _short_text(value: Any, *, field: str, code: str, what: str) -> str:
    """A reason or purpose: 1 to 200 characters of text, no control character."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 200:
        raise ValidationFailed(code, f"请填写{what}（不超过200字）", details={"field": field})
    if unstorable(text):
        raise ValidationFailed(code, f"{what}不能包含控制字符", details={"field": field})
    return text


def signed_payload(license: License, surface: dict[str, str]) -> bytes:
    """What the issuer's seal signs: the identifier, type, issuer, holder, validity and surface."""
    return canonical_json(
        {
            "identifier": license.identifier,
            "type": license.license_type.code,
            "issuer": license.issuer.credit_code,
            "holder": license.holder_index,
            "valid_from": license.valid_from.isoformat(),
            "valid_until": license.valid_until.isoformat() if license.valid_until else None,
            "issued_at": license.issued_at.isoformat(timespec="seconds"),
            "surface": surface,
        }
    ).encode("utf-8")


def surface_of(license: License) -> dict[str, str]:
    return json.loads(license.surface)


SERIAL_DIGITS = 7  # 流水号 = year + 7 digits (GB/T 36904 leaves its form to the issuer)


def _serials_exhausted(license_type: LicenseType) -> Conflict:
    return Conflict("LICENSE_SERIAL_EXHAUSTED", f"该部门本年度“{license_type.name}”的流水号已用完")


def _next_serial(license_type: LicenseType, department: Department, year: int) -> str:
    """The next 流水号 of the type, department and year (``_serials``)."""
    serials = _serials(license_type, department, year, 1)
    if not serials:
        raise _serials_exhausted(license_type)
    return serials[0]


def _serials(license_type: LicenseType, department: Department, year: int, count: int) -> list[str]:
    """The next ``count`` 流水号 of the type, department and year, consecutive, from its counter row,
    locked until this transaction ends (a max()+1 over the licences gave two concurrent issuances the
    same serial); fewer (the first ones) when the year's last serial comes first, none when it was
    used. One statement takes them and locks the row (UPDATE ... RETURNING, SQLite 3.35+ and
    PostgreSQL)."""
    qn, meta = connection.ops.quote_name, SerialCounter._meta
    table, last, type_column, issuer_column, year_column = (
        qn(meta.db_table), qn(meta.get_field("last").column), qn(meta.get_field("license_type").column),
        qn(meta.get_field("issuer").column), qn(meta.get_field("year").column),
    )
    bump = (
        f"UPDATE {table} SET {last} = {last} + %s WHERE {type_column} = %s AND {issuer_column} = %s "
        f"AND {year_column} = %s AND {last} <= %s RETURNING {last}"
    )
    highest = 10**SERIAL_DIGITS - 1
    key = {"license_type": license_type, "issuer": department, "year": year}
    with connection.cursor() as cursor:

        def take(n: int) -> int | None:
            """The counter moved on by ``n`` (its new value), or None where fewer than ``n`` are left."""
            cursor.execute(bump, [n, license_type.pk, department.pk, year, highest - n])
            row = cursor.fetchone()
            return None if row is None else int(row[0])

        top = take(count)
        if top is None and not SerialCounter.objects.filter(**key).exists():
            # the first issuance of the year, or the first since counters came: go on from the licences
            found = (
                License.objects.filter(
                    license_type=license_type, issuer=department, serial__startswith=str(year), version=1
                )
                .order_by("-serial")
                .values_list("serial", flat=True)
                .first()
            )
            start = int(found[4:]) if found and found[4:].isdigit() else 0
            SerialCounter.objects.bulk_create([SerialCounter(**key, last=start)], ignore_conflicts=True)
            top = take(count)
        if top is None and count > 1:  # fewer left than asked for: those there are
            current = SerialCounter.objects.select_for_update().filter(**key).values_list("last", flat=True).first()
            count = highest - current if current is not None else 0
            top = take(count) if count > 0 else None
    if top is None:  # the counter is at its last number
        return []
    return [f"{year}{serial:0{SERIAL_DIGITS}d}" for serial in range(top - count + 1, top + 1)]


# 有效期起始: the 流水号 begins with its year (four digits), and a licence is issued for now, not for
# a distant past or future
EARLIEST_VALID_FROM = dt.date(1949, 10, 1)
LATEST_VALID_FROM_YEARS = 1  # at most a year ahead of today


def _check_valid_from(valid_from: dt.date, today: dt.date) -> None:
    latest = today.replace(year=today.year + LATEST_VALID_FROM_YEARS, day=min(today.day, 28))
    if not EARLIEST_VALID_FROM <= valid_from <= latest:
        raise ValidationFailed(
            "LICENSE_VALID_FROM_INVALID",
            f"有效期起始日期应在{EARLIEST_VALID_FROM.isoformat()}至{latest.isoformat()}之间",
            details={"field": "valid_from"},
        )


def _valid_until(license_type: LicenseType, valid_from: dt.date) -> dt.date | None:
    if license_type.validity_years is None:
        return None
    try:
        return valid_from.replace(year=valid_from.year + license_type.validity_years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return valid_from.replace(year=valid_from.year + license_type.validity_years, day=28)


def _holder_account(license: License) -> Any:
    """Whose inbox hears of the licence: the holder's account (an enterprise's: its legal
    representative's), or None."""
    if license.holder_person is not None:
        return license.holder_person.user
    if license.holder_enterprise is not None:
        return license.holder_enterprise.legal_representative.user
    return None


def _notify(license: License, text: str) -> None:
    """站内信 to the holder (an enterprise's: its legal representative)."""
    user = _holder_account(license)
    if user is not None:
        send_message(channel=Channel.INBOX, purpose="license", to_user=user, subject="电子证照", body=text)


def _idempotency_key(value: Any) -> str:
    """The key as it is stored: trimmed, at most 80 characters, no control character ("": none)."""
    if not isinstance(value, str):
        raise ValidationFailed("IDEMPOTENCY_KEY_INVALID", "幂等键应为文本", details={"field": "idempotency_key"})
    key = value.strip()
    if len(key) > 80 or (value and not key) or unstorable(key):
        raise ValidationFailed(
            "IDEMPOTENCY_KEY_INVALID", "幂等键应为1到80个字符，不能全是空白，也不能包含控制字符",
            details={"field": "idempotency_key"},
        )
    return key
