"""A licence over its life: 暂扣 / 发还 / 注销 / 吊销 (``change_status``), 变更 and 延续 (a new
version), and the daily expiry."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.audit import canonical_json, digest
from zwfw.core.errors import Conflict, ValidationFailed
from zwfw.identity.models import Enterprise, Person
from zwfw.licenses.identifiers import make_identifier
from zwfw.licenses.models import License, LicenseEvent, LicenseStatus
from zwfw.licenses.services.common import (
    Issuer,
    _authorise,
    _issuing_seal,
    _notify,
    _short_text,
    _valid_until,
    check_surface,
    signed_payload,
    surface_of,
)
from zwfw.licenses.services.issuance import queue_file_sweep
from zwfw.licenses.services.use import current_status_of
from zwfw.seals import signing

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
