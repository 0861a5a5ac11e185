"""Issuing licences and changing them over their life (变更, 延续, 暂扣/发还, 注销, 吊销, expiry).

Issuance: staff of the issuing department (approver or department administrator), or a department
system named as a system actor, with an idempotency key. The surface data is checked against the
type's fields and the holder's verified identity, the identifier made (GB/T 36904), the data signed
with the issuer's seal (JWS ES256, a recorded seal use), the holder told in their inbox, the issue
audited: the checks first, then all the writes in one transaction. A batch (批量签发, up to 100)
makes each licence exactly so: all the checks first, then one transaction that writes the batch's
licences together (a serial range per type, one INSERT per kind of row, the audit entries appended
in one go), each licence still signed on its own, all of them at one moment of the seal.

A holder look-up that finds no one tells the issuer that nobody has an account under the number, so
it is audited (``look_up_holder``, and a batch's together), apart from the issuance's transaction:
the entry stays whatever becomes of the issuance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.audit import canonical_json, digest
from zwfw.core.codes import is_valid_credit_code, is_valid_resident_id
from zwfw.core.crypto import blind_index
from zwfw.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedRead, lookup_key
from zwfw.core.masking import MASK, mask_resident_id
from zwfw.core.models import AuditResult
from zwfw.core.text import unstorable
from zwfw.identity.documents import document_type_label, validate_document
from zwfw.identity.models import DocumentType, Enterprise, Person, StaffRole
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses.catalogue import is_of_kind
from zwfw.licenses.identifiers import make_identifier
from zwfw.licenses.models import (
    HolderKind,
    License,
    LicenseEvent,
    LicenseStatus,
    LicenseType,
    LicenseUse,
    SerialCounter,
    TrustLevel,
    UseGrant,
)
from zwfw.licenses.selectors import find_holder, find_holders, license_type_by_code, live_use_grant
from zwfw.notifications.models import Channel
from zwfw.notifications.services import send_inbox_messages, send_message
from zwfw.seals import signing
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


# --- the holder a request names ------------------------------------------------------------------

HOLDER_NOT_FOUND = "LICENSE_HOLDER_NOT_FOUND"


def _masked_number(value: str) -> str:
    """A document number or credit code as the audit keeps it: as looked up (trimmed, upper-case),
    masked as an ID number is (first 3 and last 4 kept); wholly masked where a kept end holds a
    character the audit cannot store."""
    text = value.strip().upper()[:40]
    masked = mask_resident_id(text)
    return MASK * len(text) if unstorable(masked) else masked


def _lookup_failed(issuer: Issuer, department: Department, named: tuple[str, str, str], error: DomainError) -> audit.NewEntry:
    """The audit entry of a look-up that found no holder named (document type, document number,
    credit code) so: who looked, for which department, the number masked (the error's field says
    which of the two was looked up)."""
    document_type, document_number, credit_code = named
    by_credit_code = isinstance(error.details, dict) and error.details.get("field") == "holder_credit_code"
    looked_up = (
        {"credit_code": _masked_number(credit_code)} if by_credit_code
        else {"document_type": document_type, "document_number": _masked_number(document_number)}
    )
    return audit.NewEntry(
        actor=issuer.label,
        action="licenses.holder_lookup_failed",
        object_type="identity.Enterprise" if by_credit_code else "identity.Person",
        object_id="-",  # nobody registered under the number
        result=AuditResult.FAILURE,
        details={"department": department.credit_code, **looked_up},
    )


def look_up_holder(
    *, issuer: Issuer, department: Department, document_type: str = "", document_number: str = "", credit_code: str = ""
) -> Person | Enterprise:
    """The registered holder a single issuance names (``selectors.find_holder``), looked up only for
    an issuer of ``department``. A look-up that finds no one is audited before LICENSE_HOLDER_NOT_FOUND
    is raised: before, and apart from, the issuance's transaction (the request has none of its own: the
    entry is committed at once), so it is kept."""
    _authorise(issuer, department)
    try:
        return find_holder(
            department=department, document_type=document_type, document_number=document_number,
            credit_code=credit_code,
        )
    except NotFound as error:
        if error.code == HOLDER_NOT_FOUND:
            audit.append(_lookup_failed(issuer, department, (document_type, document_number, credit_code), error))
        raise


def issue_license(
    *,
    issuer: Issuer,
    license_type: LicenseType,
    department: Department,
    holder: Person | Enterprise,
    surface: dict[str, Any],
    valid_from: dt.date | None = None,
    idempotency_key: str = "",
    trust_level: str = TrustLevel.A,
) -> License:
    """签发 a licence (version 001). The same idempotency key from the same department returns the
    licence it made, or a conflict if the request differs."""
    key = _idempotency_key(idempotency_key)
    try:
        license = _issue(
            issuer=issuer, license_type=license_type, department=department, holder=holder, surface=surface,
            valid_from=valid_from, key=key, trust_level=trust_level,
        )
    except IntegrityError:
        return _issued_concurrently(
            department, key, license_type=license_type, holder=holder, surface=surface, valid_from=valid_from,
            trust_level=trust_level,
        )
    if not license.replayed:
        # robust: a licence whose sweep could not be queued gets its file at the first download
        transaction.on_commit(partial(queue_file_sweep, license.pk), robust=True)
    return license


# A web process queues at most one file sweep this often; the sweep takes every licence since.
FILE_SWEEP_GATE_SECONDS = 30


def queue_file_sweep(license_id: int) -> None:
    """The licence's file is made by the worker (tasks.render_license_files) while the seal signs.
    Issuance pays one cache check for it, not a queued row per licence (a second write transaction):
    the first licence of each FILE_SWEEP_GATE_SECONDS (per web process with the local-memory cache,
    per node with Redis) queues a sweep from its id, and a sweep that finds work looks again a minute
    later. A licence the sweeps miss (on PostgreSQL one with a lower id may commit after the sweep
    passed it) gets its file at the first download. Without ``settings.BASE_URL`` nothing is queued:
    the file's QR code needs the node's address, which the first download takes from its request."""
    from zwfw.licenses.tasks import render_license_files

    if settings.BASE_URL and cache.add("zwfw:licenses:file-sweep", license_id, timeout=FILE_SWEEP_GATE_SECONDS):
        render_license_files.enqueue(license_id)


# the empty key is excluded so that the partial unique index (non-empty keys) serves the look-up; the
# id first: most requests are not replays, and the whole row is only wanted for one
_ISSUED_WITH = PreparedRead(
    lambda issuer, key: License.objects.exclude(idempotency_key="").filter(issuer=issuer, idempotency_key=key)
    .order_by().values_list("id")[:1],
    keys=2,
)


def _issued_with(department: Department, key: str) -> License | None:
    found = _ISSUED_WITH.rows(department.pk, key)
    return License.objects.get(pk=found[0][0]) if found else None


def _replayed(
    existing: License, license_type: LicenseType, holder: Person | Enterprise, surface: dict[str, Any],
    valid_from: dt.date | None, trust_level: str,
) -> License:
    """The licence issued with the key, if the request is the same (a valid_from not given is the same
    as the one the first request got: its day)."""
    same = (
        existing.license_type_id == license_type.pk
        and existing.holder_index == holder_index(_holder_facts(holder)[1])
        and valid_from in (None, existing.valid_from)
        and trust_level == existing.trust_level
    )
    if not same or digest(check_surface(license_type, surface, holder)) != digest(surface_of(existing)):
        raise Conflict("IDEMPOTENCY_KEY_REUSED", "该幂等键已用于另一份证照签发请求")
    existing.license_type = license_type  # the same row (compared above): the answer shows it unread
    existing.replayed = True
    return existing


def _issued_concurrently(
    department: Department, key: str, *, license_type: LicenseType, holder: Person | Enterprise,
    surface: dict[str, Any], valid_from: dt.date | None, trust_level: str,
) -> License:
    """After the key's unique constraint refused an insert: a concurrent request with the same key
    committed first, and its licence answers this one as a replay (or IDEMPOTENCY_KEY_REUSED)."""
    if key:
        existing = _issued_with(department, key)
        if existing is not None:
            return _replayed(existing, license_type, holder, surface, valid_from, trust_level)
    raise Conflict("LICENSE_CONCURRENT_ISSUE", "证照正在被同时签发，请重试") from None


# every issuance writes a licence and its first event: compiled once per connection
_LICENSE = PreparedInsert(License)
_EVENT = PreparedInsert(LicenseEvent)


@dataclass(frozen=True)
class _Checked:
    """An issuance that passed its checks, with what its writes need."""

    license_type: LicenseType
    holder: Person | Enterprise
    surface: dict[str, str]  # as check_surface returned it: what is signed and stored
    valid_from: dt.date
    key: str
    trust_level: str
    now: dt.datetime
    asked_surface: dict[str, Any]  # as the request gave them: a replay compares the request
    asked_valid_from: dt.date | None


def _check_issue(
    *, license_type: LicenseType, department: Department, holder: Person | Enterprise, surface: dict[str, Any],
    valid_from: dt.date | None, key: str, trust_level: str,
) -> License | _Checked:
    """The checks of one issuance by an authorised issuer (``_authorise``), reads only: the licence
    the key issued before (a replay of the same request), or the request checked, ready to write."""
    if key:
        existing = _issued_with(department, key)
        if existing is not None:
            return _replayed(existing, license_type, holder, surface, valid_from, trust_level)
    if not license_type.is_active:
        raise Conflict("LICENSE_TYPE_INACTIVE", "该证照类型已停用")
    _check_issuing_kind(license_type, department)
    expected = HolderKind.PERSON if isinstance(holder, Person) else HolderKind.ENTERPRISE
    if license_type.holder_kind != expected:
        raise ValidationFailed(
            "LICENSE_HOLDER_KIND", f"“{license_type.name}”的持证主体应为{HolderKind(license_type.holder_kind).label}",
            details={"field": "holder"},
        )
    if trust_level not in TrustLevel.values:
        raise ValidationFailed("LICENSE_TRUST_LEVEL", "可信等级应为 A、B、C 或 D", details={"field": "trust_level"})
    checked = check_surface(license_type, surface, holder)
    now = timezone.now()
    asked_valid_from, valid_from = valid_from, valid_from or timezone.localdate(now)
    _check_valid_from(valid_from, timezone.localdate(now))
    return _Checked(
        license_type=license_type, holder=holder, surface=checked, valid_from=valid_from, key=key,
        trust_level=trust_level, now=now, asked_surface=surface, asked_valid_from=asked_valid_from,
    )


def _seal_actor(issuer: Issuer) -> signing.SigningActor:
    # The issuing authority is checked by _authorise; the department's seal signs on its behalf (the
    # use recorded under the issuer's label), whatever seal-use roles the issuing staff member holds.
    return signing.SigningActor(system=f"licenses:{issuer.label}")


def _new_license(*, department: Department, checked: _Checked, serial: str, seal: signing.LockedSeal) -> License:
    """The licence a checked issuance makes with ``serial``, not yet signed nor saved."""
    license_type, valid_from, holder = checked.license_type, checked.valid_from, checked.holder
    name, code = _holder_facts(holder)
    identifier = make_identifier(type_code=license_type.code, issuer_code=department.credit_code, serial=serial)
    return License(
        identifier=identifier.value,
        license_type=license_type,
        serial=serial,
        version=1,
        issuer=department,
        holder_person=holder if isinstance(holder, Person) else None,
        holder_enterprise=holder if isinstance(holder, Enterprise) else None,
        holder_name=name,
        holder_index=holder_index(code),
        surface=canonical_json(checked.surface),
        trust_level=checked.trust_level,
        issued_at=checked.now.replace(microsecond=0),
        valid_from=valid_from,
        valid_until=_valid_until(license_type, valid_from),
        seal_code=seal.seal.code,
        idempotency_key=checked.key,
    )


def _to_sign(license: License, checked: _Checked) -> signing.ToSign:
    """What the seal signs for the licence, and the 用章事由."""
    return signing.ToSign(data=signed_payload(license, checked.surface), purpose=f"签发电子证照 {license.identifier}")


def _issue_event(issuer: Issuer, license: License, checked: _Checked) -> LicenseEvent:
    return LicenseEvent(license=license, action="issue", status=LicenseStatus.VALID, actor=issuer.label, at=checked.now)


def _issue_audited(issuer: Issuer, license: License, checked: _Checked) -> audit.NewEntry:
    """The audit entry of the licence's issuance (saved: it names the licence's id)."""
    return audit.NewEntry(
        actor=issuer.label,
        action="licenses.issue",
        object_type="licenses.License",
        object_id=license.pk,
        after={"type": checked.license_type.code, "holder": license.holder_index, "surface": digest(checked.surface)},
        details={"identifier": license.identifier},
    )


def _issue_notice(department: Department, license: License, checked: _Checked) -> str:
    return f"{department.name}向您签发了{checked.license_type.name}（{license.identifier}），可在“我的证照”中查看。"


def _write_issue(*, issuer: Issuer, department: Department, checked: _Checked, seal: signing.LockedSeal) -> License:
    """The writes of one checked issuance, in the caller's transaction with the department's seal
    locked (``signing.lock_seal``): the serial, the identifier, the seal's signature (a recorded use),
    the licence, its event, the audit entry and the holder's inbox message."""
    serial = _next_serial(checked.license_type, department, checked.valid_from.year)
    license = _new_license(department=department, checked=checked, serial=serial, seal=seal)

    def write(signatures: list[signing.DataSignature]) -> list[list[audit.NewEntry]]:
        license.signature = signatures[0].signature
        _LICENSE.insert(license)
        _EVENT.insert(_issue_event(issuer, license, checked))
        return [[_issue_audited(issuer, license, checked)]]

    # the seal's use and the issuance audited together (one append), as a batch's items are
    seal.sign_many([_to_sign(license, checked)], fmt="jws", then=write)
    _notify(license, _issue_notice(department, license, checked))
    return license


def _issue(
    *, issuer: Issuer, license_type: LicenseType, department: Department, holder: Person | Enterprise,
    surface: dict[str, Any], valid_from: dt.date | None, key: str, trust_level: str,
) -> License:
    # Everything that only reads runs before the transaction: on SQLite a transaction holds the
    # database's one write lock from its first statement, so it should hold only the writes. A
    # concurrent request with the same key that commits first makes the insert fail, and
    # issue_license answers with that licence.
    _authorise(issuer, department)
    checked = _check_issue(
        license_type=license_type, department=department, holder=holder, surface=surface, valid_from=valid_from,
        key=key, trust_level=trust_level,
    )
    if isinstance(checked, License):
        return checked
    seal = _issuing_seal(department)
    with transaction.atomic():
        # the seal is locked (and checked usable) before the serial counter, by every issuance: a
        # batch locks it once, then the counters of its types
        locked = signing.lock_seal(actor=_seal_actor(issuer), seal=seal)
        return _write_issue(issuer=issuer, department=department, checked=checked, seal=locked)


# --- 批量签发 ---------------------------------------------------------------------------------------

MAX_BATCH = 100  # licences in one batch
CREATED, REPLAYED, FAILED = "created", "replayed", "error"


@dataclass(frozen=True)
class IssueRequest:
    """One licence of a batch, named as in a single request (POST /issue): the type by its code, the
    holder by document or by credit code."""

    type_code: str
    idempotency_key: str
    holder_document_type: str = DocumentType.RESIDENT_ID
    holder_document_number: str = ""
    holder_credit_code: str = ""
    surface: dict[str, Any] = dataclasses.field(default_factory=dict)
    valid_from: dt.date | None = None
    trust_level: str = TrustLevel.A


@dataclass(frozen=True)
class IssueOutcome:
    """What became of the item ``index`` of a batch: ``created``; ``replayed``, with the licence its
    key issued before; or ``error``, with the error single issuance raises, nothing written for it."""

    index: int
    status: str
    license: License | None = None
    error: DomainError | None = None


def issue_licenses(*, issuer: Issuer, department: Department, requests: Sequence[IssueRequest]) -> list[IssueOutcome]:
    """批量签发: 1 to MAX_BATCH licences, each checked and issued exactly as a single request (POST
    /issue: its type and holder looked up, then ``issue_license``), each answered on its own, in order.
    The whole batch is refused, nothing written, only when the issuer may not issue, for its size,
    and for an idempotency key given to two items.

    The reads run before the transaction: the issuer's authority and the department's seal once, each
    distinct type once, the holders in one look-up, each item's key and surface. The items answered
    LICENSE_HOLDER_NOT_FOUND are audited as ``look_up_holder`` audits one, together (one
    ``audit.record_many``) and before the batch's transaction, so that these entries stay whatever
    becomes of its writes. Then one transaction (on SQLite one write lock, one commit for the batch)
    locks the seal once and writes the items together (``_write_batch``), signed at one moment: an
    item whose key a concurrent request committed first is answered as that request's licence (as
    ``issue_license`` does)."""
    _authorise(issuer, department)
    _check_batch(requests)
    outcomes: dict[int, IssueOutcome] = {}
    pending: list[tuple[int, IssueRequest, _Checked]] = []
    types: dict[str, LicenseType | DomainError] = {}
    named = [
        (request.holder_document_type, request.holder_document_number, request.holder_credit_code) for request in requests
    ]
    holders = find_holders(named, department=department)
    for index, (request, holder) in enumerate(zip(requests, holders, strict=True)):
        try:
            checked = _check_item(request, holder, department, types)
        except DomainError as error:
            outcomes[index] = IssueOutcome(index=index, status=FAILED, error=error)
            continue
        if isinstance(checked, License):
            outcomes[index] = IssueOutcome(index=index, status=REPLAYED, license=checked)
        else:
            pending.append((index, request, checked))
    # the items whose answer says nobody has an account under the number (as the single request's
    # would: an item refused for its type first looks no one up)
    failed_lookups = [
        _lookup_failed(issuer, department, named[index], outcome.error)
        for index, outcome in sorted(outcomes.items())
        if outcome.error is not None and outcome.error.code == HOLDER_NOT_FOUND
    ]
    if failed_lookups:
        audit.record_many(failed_lookups)
    written = _write_batch(issuer, department, [checked for _, _, checked in pending])
    for (index, _, _), result in zip(pending, written, strict=True):
        if isinstance(result, DomainError):
            outcomes[index] = IssueOutcome(index=index, status=FAILED, error=result)
        else:
            outcomes[index] = IssueOutcome(index=index, status=REPLAYED if result.replayed else CREATED, license=result)
    return [outcomes[index] for index in range(len(requests))]


def _check_batch(requests: Sequence[IssueRequest]) -> None:
    if not 1 <= len(requests) <= MAX_BATCH:
        raise ValidationFailed("LICENSE_BATCH_SIZE", f"每批签发1到{MAX_BATCH}份证照", details={"field": "items"})
    # one key names one licence: two items under one key would be one request answered twice, or a
    # request conflicting with itself
    indexes: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        key = request.idempotency_key.strip() if isinstance(request.idempotency_key, str) else ""
        if key:
            indexes.setdefault(key, []).append(index)
    repeated = {key: found for key, found in indexes.items() if len(found) > 1}
    if repeated:
        named = "；".join("、".join(str(index) for index in found) for found in repeated.values())
        raise ValidationFailed(
            "LICENSE_BATCH_DUPLICATE_KEYS",
            f"同一批次中各项的幂等键不能相同：第 {named} 项（序号从0起）的幂等键重复，整批未签发",
            details={
                "field": "items",
                "duplicates": [{"idempotency_key": key, "indexes": found} for key, found in repeated.items()],
            },
        )


def _check_item(
    request: IssueRequest, holder: Person | Enterprise | DomainError, department: Department,
    types: dict[str, LicenseType | DomainError],
) -> License | _Checked:
    """An item's checks in the order of a single request: its type (read once per batch), its holder
    (all of the batch's in one look-up: ``find_holders``), its key, then those of ``issue_license``."""
    license_type = types.get(request.type_code)
    if license_type is None:
        try:
            license_type = license_type_by_code(request.type_code)
        except DomainError as error:
            license_type = error
        types[request.type_code] = license_type
    if isinstance(license_type, DomainError):
        raise license_type
    if isinstance(holder, DomainError):
        raise holder
    return _check_issue(
        license_type=license_type, department=department, holder=holder, surface=request.surface,
        valid_from=request.valid_from, key=_idempotency_key(request.idempotency_key), trust_level=request.trust_level,
    )


# A batch whose insert a concurrent request's key refused (PostgreSQL) is written again this often in
# all, its re-read then answering that key as a replay.
BATCH_WRITE_ATTEMPTS = 3


def _write_batch(issuer: Issuer, department: Department, items: list[_Checked]) -> list[License | DomainError]:
    """The writes of a batch's checked items, in one transaction: each one's licence (created, or the
    replay of the licence a concurrent request committed with its key first), or its error."""
    if not items:
        return []
    try:
        seal = _issuing_seal(department)  # a read: before the transaction, as for a single issuance
    except DomainError as error:
        return [error] * len(items)
    replays: dict[int, License | DomainError] = {}
    for _ in range(BATCH_WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = signing.lock_seal(actor=_seal_actor(issuer), seal=seal, batch=len(items) > 1)
                replays = _replays(department, items)
                answers = replays | _write_new(issuer, department, items, locked, replays)
        except IntegrityError:
            # a key inserted by a concurrent transaction after the re-read (PostgreSQL; on SQLite the
            # transaction's write lock keeps every other writer out): all undone, written again
            continue
        except DomainError as error:  # the seal can no longer sign (checked under its lock): nothing written,
            # and the items a concurrent request issued meanwhile are still answered as its replays
            return [replays.get(index, error) for index in range(len(items))]
        return [answers[index] for index in range(len(items))]
    # the replays the last re-read found stand (they only read); nothing else was written
    concurrent = Conflict("LICENSE_CONCURRENT_ISSUE", "证照正在被同时签发，请重试")
    return [replays.get(index, concurrent) for index in range(len(items))]


def _replays(department: Department, items: list[_Checked]) -> dict[int, License | DomainError]:
    """The items whose key the department has issued since their checks (a concurrent request), read
    again in the transaction (on SQLite no other writer can insert one from here on), each answered as
    that licence's replay or IDEMPOTENCY_KEY_REUSED, as ``issue_license`` answers it."""
    keys = [checked.key for checked in items if checked.key]
    if not keys:
        return {}
    issued = {
        license.idempotency_key: license
        for license in License.objects.filter(issuer=department, idempotency_key__in=keys).exclude(idempotency_key="")
    }
    found: dict[int, License | DomainError] = {}
    for index, checked in enumerate(items):
        existing = issued.get(checked.key) if checked.key else None
        if existing is not None:
            try:
                found[index] = _replayed(
                    existing, checked.license_type, checked.holder, checked.asked_surface, checked.asked_valid_from,
                    checked.trust_level,
                )
            except DomainError as error:
                found[index] = error
    return found


def _write_new(
    issuer: Issuer, department: Department, items: list[_Checked], locked: signing.LockedSeal,
    replays: dict[int, License | DomainError],
) -> dict[int, License | DomainError]:
    """The licences of the items that are not ``replays``, in ``_write_batch``'s transaction with the
    seal locked: a range of serials per type and year, each licence signed on its own, then their
    用章记录, licences, events, audit entries and inbox messages written with one INSERT each
    (``PreparedInsert.insert_many``, ``audit.record_many``, ``send_inbox_messages``). Each item's licence, or its error."""
    answers: dict[int, License | DomainError] = {}
    ranges: dict[tuple[int, int], list[int]] = {}
    for index, checked in enumerate(items):
        if index not in replays:
            ranges.setdefault((checked.license_type.pk, checked.valid_from.year), []).append(index)
    serials: dict[int, str] = {}
    for (_, year), indexes in ranges.items():  # the counters locked in the order the items name them
        license_type = items[indexes[0]].license_type
        taken = _serials(license_type, department, year, len(indexes))
        serials.update(zip(indexes, taken, strict=False))
        for index in indexes[len(taken):]:  # past the year's last serial: these items alone fail
            answers[index] = _serials_exhausted(license_type)
    new = [
        (index, items[index], _new_license(department=department, checked=items[index], serial=serials[index], seal=locked))
        for index in sorted(serials)
    ]
    if not new:
        return answers

    def write(signatures: list[signing.DataSignature]) -> list[list[audit.NewEntry]]:
        for (_, _, license), signature in zip(new, signatures, strict=True):
            license.signature = signature.signature
        _LICENSE.insert_many([license for _, _, license in new])
        _EVENT.insert_many([_issue_event(issuer, license, checked) for _, checked, license in new])
        return [[_issue_audited(issuer, license, checked)] for _, checked, license in new]

    locked.sign_many([_to_sign(license, checked) for _, checked, license in new], fmt="jws", then=write)
    notices = [
        (account, _issue_notice(department, license, checked))
        for _, checked, license in new
        if (account := _holder_account(license)) is not None
    ]
    if notices:
        send_inbox_messages(purpose="license", subject="电子证照", messages=notices)
    for index, _, license in new:
        answers[index] = license
    # one sweep from the first licence makes the files of all of them (queue_file_sweep)
    transaction.on_commit(partial(queue_file_sweep, min(license.pk for _, _, license in new)), robust=True)
    return answers


# --- lifecycle -----------------------------------------------------------------------------------

# action -> (statuses it may start from, status it leaves). 变更 and 延续 make a new version instead.
_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "suspend": (frozenset({LicenseStatus.VALID}), LicenseStatus.SUSPENDED),  # 暂扣
    "restore": (frozenset({LicenseStatus.SUSPENDED}), LicenseStatus.VALID),  # 发还
    "cancel": (frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}), LicenseStatus.CANCELLED),  # 注销
    "revoke": (frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}), LicenseStatus.REVOKED),  # 吊销
}
_ACTION_NAMES = {"suspend": "暂扣", "restore": "发还", "cancel": "注销", "revoke": "吊销", "change": "变更", "renew": "延续"}


def _locked(license: License) -> License:
    return License.objects.select_for_update().select_related("license_type", "issuer").get(pk=license.pk)


def allowed_actions(status: str) -> list[tuple[str, str]]:
    """(action, 中文) of the status changes a licence in ``status`` allows, for the workbench's buttons."""
    return [(action, _ACTION_NAMES[action]) for action, (starts, _) in _TRANSITIONS.items() if status in starts]


@transaction.atomic
def change_status(*, issuer: Issuer, license: License, action: str, reason: str) -> License:
    """暂扣 / 发还 / 注销 / 吊销 (with a reason), by the issuing department; verifiers see it at once."""
    license = _locked(license)
    _authorise(issuer, license.issuer)
    if action not in _TRANSITIONS:
        raise ValidationFailed("LICENSE_ACTION_INVALID", "操作应为 suspend、restore、cancel 或 revoke", details={"field": "action"})
    allowed_from, target = _TRANSITIONS[action]
    # past its validity a licence is expired, as verifiers see it, before the daily job marks it so
    status = current_status_of(license)
    if status not in allowed_from:
        raise Conflict(
            "LICENSE_STATUS_TRANSITION",
            f"证照当前为“{LicenseStatus(status).label}”，不能{_ACTION_NAMES[action]}",
        )
    reason = _short_text(reason, field="reason", code="LICENSE_REASON_REQUIRED", what="原因")
    before = license.status
    license.status, license.status_reason = target, reason
    license.save(update_fields=["status", "status_reason", "updated_at"])
    now = timezone.now()
    LicenseEvent.objects.create(license=license, action=action, status=target, reason=reason, actor=issuer.label, at=now)
    audit.record(
        actor=issuer.label, action=f"licenses.{action}", object_type="licenses.License", object_id=license.pk,
        before={"status": before}, after={"status": target, "reason": reason}, details={"identifier": license.identifier},
    )
    _notify(license, f"您的{license.license_type.name}（{license.identifier}）已被{_ACTION_NAMES[action]}：{reason}")
    return license


@transaction.atomic
def new_version(
    *, issuer: Issuer, license: License, surface: dict[str, Any] | None = None, renew: bool = False, reason: str
) -> License:
    """变更 (new surface data) or 延续 (a new validity period): version + 1, the old one superseded."""
    old = _locked(license)
    _authorise(issuer, old.issuer)
    status = current_status_of(old)  # expired past its validity, whether or not the daily job has run
    if status not in (LicenseStatus.VALID, LicenseStatus.EXPIRED) or (status == LicenseStatus.EXPIRED and not renew):
        raise Conflict("LICENSE_NOT_CHANGEABLE", f"证照当前为“{LicenseStatus(status).label}”，不能{'延续' if renew else '变更'}")
    if old.version >= 999:
        raise Conflict("LICENSE_VERSION_EXHAUSTED", "证照版本号已用完")
    holder: Person | Enterprise = old.holder_person or old.holder_enterprise  # type: ignore[assignment]
    merged = surface_of(old) | (surface or {})
    checked = check_surface(old.license_type, merged, holder)
    if not renew and checked == surface_of(old):
        raise ValidationFailed("LICENSE_NOTHING_CHANGED", "照面信息没有变化", details={"field": "surface"})
    reason = _short_text(reason, field="reason", code="LICENSE_REASON_REQUIRED", what="原因")
    now = timezone.now()
    today = timezone.localdate(now)
    seal = _issuing_seal(old.issuer)
    identifier = make_identifier(
        type_code=old.license_type.code, issuer_code=old.issuer.credit_code, serial=old.serial, version=old.version + 1
    )
    # 延续 runs on from the old period's end (or from today, when it has already ended)
    next_day = old.valid_until + dt.timedelta(days=1) if old.valid_until else today
    valid_from = max(today, next_day) if renew else old.valid_from
    fresh = License(
        identifier=identifier.value, license_type=old.license_type, serial=old.serial, version=old.version + 1,
        issuer=old.issuer, holder_person=old.holder_person, holder_enterprise=old.holder_enterprise,
        holder_name=old.holder_name, holder_index=old.holder_index, surface=canonical_json(checked),
        trust_level=old.trust_level, issued_at=now.replace(microsecond=0), valid_from=valid_from,
        valid_until=_valid_until(old.license_type, valid_from) if renew else old.valid_until,
        seal_code=seal.code, supersedes=old,
    )
    action = "renew" if renew else "change"
    fresh.signature = signing.sign_data(
        actor=signing.SigningActor(system=f"licenses:{issuer.label}"), seal=seal,
        data=signed_payload(fresh, checked), purpose=f"{_ACTION_NAMES[action]}电子证照 {fresh.identifier}", fmt="jws",
    ).signature
    fresh.save()
    old.status, old.status_reason = LicenseStatus.SUPERSEDED, reason
    old.save(update_fields=["status", "status_reason", "updated_at"])
    LicenseEvent.objects.create(license=old, action=action, status=LicenseStatus.SUPERSEDED, reason=reason, actor=issuer.label, at=now)
    LicenseEvent.objects.create(license=fresh, action="issue", status=LicenseStatus.VALID, reason=reason, actor=issuer.label, at=now)
    audit.record(
        actor=issuer.label, action=f"licenses.{action}", object_type="licenses.License", object_id=fresh.pk,
        before={"identifier": old.identifier}, after={"identifier": fresh.identifier, "surface": digest(checked)},
        details={"supersedes": old.identifier},
    )
    _notify(fresh, f"您的{old.license_type.name}已{_ACTION_NAMES[action]}，新版本为{fresh.identifier}。")
    transaction.on_commit(partial(queue_file_sweep, fresh.pk), robust=True)  # its file, as at issuance
    return fresh


def expire_licenses(*, today: dt.date | None = None) -> int:
    """Mark valid licences past their validity as expired (a daily job); each one audited."""
    today = today or timezone.localdate()
    count = 0
    for pk in License.objects.filter(status=LicenseStatus.VALID, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            license = License.objects.select_for_update().get(pk=pk)
            if license.status != LicenseStatus.VALID:
                continue
            license.status, license.status_reason = LicenseStatus.EXPIRED, "有效期届满"
            license.save(update_fields=["status", "status_reason", "updated_at"])
            LicenseEvent.objects.create(license=license, action="expire", status=LicenseStatus.EXPIRED, actor="system:expiry", at=timezone.now())
            audit.record(actor="system:expiry", action="licenses.expire", object_type="licenses.License", object_id=license.pk,
                         before={"status": LicenseStatus.VALID}, after={"status": LicenseStatus.EXPIRED})
            count += 1
    return count


# --- 用证授权 and 用证记录 ---------------------------------------------------------------------------

MAX_GRANT_DAYS = 365


@transaction.atomic
def authorise_use(
    *, person: Person, license: License, department: Department, purpose: str, valid_until: dt.datetime
) -> UseGrant:
    """The holder (or whoever may see the licence in the wallet: check with ``selectors.license_of``
    first) lets ``department`` fetch ``license`` for ``purpose`` until ``valid_until``; audited."""
    purpose = _short_text(purpose, field="purpose", code="LICENSE_PURPOSE_REQUIRED", what="用途")
    now = timezone.now()
    if timezone.is_naive(valid_until) or not now < valid_until <= now + dt.timedelta(days=MAX_GRANT_DAYS):
        raise ValidationFailed(
            "LICENSE_GRANT_UNTIL_INVALID", f"授权截止时间应晚于现在，且不超过{MAX_GRANT_DAYS}天", details={"field": "valid_until"}
        )
    if current_status_of(license) != LicenseStatus.VALID:
        raise Conflict("LICENSE_NOT_VALID", "只有有效的证照可以授权使用")
    grant = UseGrant.objects.create(
        license=license, department=department, purpose=purpose, valid_until=valid_until, granted_by=person
    )
    audit.record(
        actor=f"user:{person.user_id}", action="licenses.use_grant", object_type="licenses.UseGrant",
        object_id=str(grant.public_id), after={"department": department.credit_code, "purpose": purpose, "until": valid_until},
        details={"identifier": license.identifier},
    )
    return grant


@transaction.atomic
def revoke_use_grant(*, person: Person, grant: UseGrant) -> UseGrant:
    grant = UseGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit.record(
            actor=f"user:{person.user_id}", action="licenses.use_grant.revoke", object_type="licenses.UseGrant",
            object_id=str(grant.public_id),
        )
    return grant


def current_status_of(license: License) -> str:
    return effective_status(license.status, license.valid_until)


def effective_status(status: str, valid_until: dt.date | None) -> str:
    """The status as of today: a valid licence past its validity that the daily expiry job has not
    marked yet is expired already."""
    if status == LicenseStatus.VALID and valid_until is not None and valid_until < timezone.localdate():
        return LicenseStatus.EXPIRED
    return status


@dataclass(frozen=True)
class FetchedLicense:
    license: License
    surface: dict[str, str]
    status: str


@transaction.atomic
def fetch_for_use(*, actor: Any, identifier: str, purpose: str) -> FetchedLicense:
    """A department's staff fetch a licence the holder authorised their department to use; recorded.

    Without a live grant the answer is the same 404 as for a licence that does not exist.
    """
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        raise PermissionDenied("LICENSE_USE_STAFF_ONLY", "只有部门工作人员可以调取证照")
    purpose = _short_text(purpose, field="purpose", code="LICENSE_PURPOSE_REQUIRED", what="用途")
    license = License.objects.select_related("license_type", "issuer").filter(identifier=lookup_key(identifier, max_length=120)).first()
    now = timezone.now()
    grant = live_use_grant(license=license, department_id=staff.department_id, now=now) if license else None
    if license is None or grant is None:
        raise NotFound("LICENSE_NOT_FOUND", "证照不存在，或持证人未授权本部门使用")
    LicenseUse.objects.create(
        license=license, grant=grant, department_id=staff.department_id, used_by=f"staff:{staff.public_id}",
        purpose=purpose, channel="api", used_at=now,
    )
    audit.record(
        actor=f"staff:{staff.public_id}", action="licenses.use", object_type="licenses.License", object_id=license.pk,
        details={"identifier": license.identifier, "purpose": purpose, "grant": str(grant.public_id)},
    )
    return FetchedLicense(license=license, surface=surface_of(license), status=current_status_of(license))
