"""The seal registry: request -> review -> make, status changes, who may use a seal.

Rules:
- a department administrator requests seals for their own department (a platform administrator for
  any); a platform administrator other than the requester reviews; a platform administrator makes
  the approved seal (keys, certificates, image, GB/T 38540 SESeal) — every step audited;
- 停用 (suspend) and 注销 (cancel, final) take a reason and take effect at once: new signatures are
  refused, the CRL lists the certificates; 启用 (reactivate) lifts a suspension;
- a seal is used only by staff of its own department holding a role the seal permits
  (``set_use_roles``), only while it is active and within its validity (``check_can_use``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.identity.models import StaffRole
from zwfw.identity.staff import has_role, is_platform_admin, staff_of
from zwfw.seals import images, pki, ses
from zwfw.seals.keystore import keystore
from zwfw.seals.models import (
    AuthorityKind,
    KeyAlgorithm,
    RequestStatus,
    Seal,
    SealKind,
    SealRequest,
    SealStatus,
    SealStatusEvent,
    SealUsePermission,
)

MAX_VALIDITY_YEARS = 10
# GB/T 38540 SES_ESPropertyInfo.type: 1 单位印章, 2 个人印章.
_SES_TYPES: dict[str, int] = {SealKind.OFFICIAL: 1, SealKind.SPECIAL: 1, SealKind.LEGAL_REP: 2, SealKind.PERSONAL: 2}
# Round seals (公章, 专用章) carry their code on the face; name stamps (名章, 个人签名) only the name.
_ROUND_KINDS = frozenset({SealKind.OFFICIAL, SealKind.SPECIAL})
# Roles a seal may be granted to (a seal is used by its own department's staff in these roles).
USABLE_ROLES = frozenset({StaffRole.WINDOW_CLERK, StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN})


def actor_label(user: Any) -> str:
    staff = staff_of(user)
    if staff is not None:
        return f"staff:{staff.public_id}"
    return f"user:{user.pk}" if getattr(user, "pk", None) else "anonymous"


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = unicodedata.normalize("NFC", (value or "").strip())
    if required and not text:
        raise ValidationFailed("SEAL_FIELD_REQUIRED", f"请填写{label}", details={"field": field})
    if len(text) > max_length:
        raise ValidationFailed(
            "SEAL_FIELD_TOO_LONG", f"{label}不能超过{max_length}个字符", details={"field": field}
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationFailed("SEAL_FIELD_INVALID", f"{label}不能包含控制字符", details={"field": field})
    return text


def _require_department_admin(actor: Any, department: Department) -> None:
    if is_platform_admin(actor):
        return
    staff = staff_of(actor)
    if staff is None or staff.department_id != department.pk or not has_role(actor, StaffRole.DEPARTMENT_ADMIN):
        raise PermissionDenied("SEAL_ADMIN_REQUIRED", "只有本部门管理员或平台管理员可以办理本部门的印章事务")


def _require_platform_admin(actor: Any, what: str) -> None:
    if not is_platform_admin(actor):
        raise PermissionDenied("PLATFORM_ADMIN_REQUIRED", f"只有平台管理员可以{what}")


def seal_display_name(kind: str, owner_name: str, purpose: str) -> str:
    if kind == SealKind.SPECIAL:
        return f"{owner_name}{purpose}"
    if kind == SealKind.LEGAL_REP:
        return f"{owner_name}（法定代表人名章）"
    if kind == SealKind.PERSONAL:
        return f"{owner_name}（个人签名）"
    return owner_name


@transaction.atomic
def request_seal(
    *,
    actor: Any,
    department: Department,
    kind: str,
    owner_name: str,
    purpose: str = "",
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime,
    reason: str,
    source_ip: str | None = None,
) -> SealRequest:
    """申请制章 for ``department``."""
    _require_department_admin(actor, department)
    if kind not in SealKind.values:
        raise ValidationFailed("SEAL_KIND_INVALID", "印章类型不正确", details={"field": "kind"})
    owner_name = _clean_text(owner_name, field="owner_name", label="印章所有者名称", max_length=40)
    purpose = _clean_text(
        purpose, field="purpose", label="用途文字", max_length=20, required=kind == SealKind.SPECIAL
    )
    reason = _clean_text(reason, field="reason", label="申请理由", max_length=200)
    now = timezone.now()
    valid_from = valid_from or now
    for field, moment in (("valid_from", valid_from), ("valid_to", valid_to)):
        if timezone.is_naive(moment):
            raise ValidationFailed("SEAL_TIME_NAIVE", "时间须带时区", details={"field": field})
    if valid_to <= valid_from or valid_to <= now:
        raise ValidationFailed(
            "SEAL_VALIDITY_INVALID", "有效期止须晚于有效期起和当前时间", details={"field": "valid_to"}
        )
    if valid_to - valid_from > dt.timedelta(days=365 * MAX_VALIDITY_YEARS + 3):
        raise ValidationFailed(
            "SEAL_VALIDITY_TOO_LONG", f"印章有效期不能超过{MAX_VALIDITY_YEARS}年", details={"field": "valid_to"}
        )
    # The image must render before anyone reviews it (a name too long for the seal face is refused here).
    face = images.SealImageSpec(kind=kind, name=owner_name, purpose=purpose)
    images.render_svg(face)
    images.check_drawable(face)  # a character the seal font lacks would be engraved as an empty box
    request = SealRequest.objects.create(
        department=department,
        kind=kind,
        owner_name=owner_name,
        purpose=purpose,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        requested_by=actor,
    )
    audit.record(
        actor=actor_label(actor),
        action="seals.request.create",
        object_type="seals.SealRequest",
        object_id=str(request.public_id),
        after={"department": department.credit_code, "kind": kind, "owner_name": owner_name, "purpose": purpose},
        source_ip=source_ip,
    )
    return request


@transaction.atomic
def review_request(
    *, actor: Any, request: SealRequest, approve: bool, comment: str = "", source_ip: str | None = None
) -> SealRequest:
    """审核制章申请: a platform administrator who did not file it approves or rejects (with a reason)."""
    _require_platform_admin(actor, "审核制章申请")
    request = SealRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise Conflict("SEAL_REQUEST_NOT_PENDING", "该申请已审核，不能再次审核")
    if request.requested_by_id == actor.pk:
        raise PermissionDenied("SEAL_REVIEW_OWN_REQUEST", "不能审核自己提交的制章申请")
    comment = _clean_text(comment, field="comment", label="审核意见", max_length=200, required=not approve)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.reviewed_by = actor
    request.review_comment = comment
    request.reviewed_at = timezone.now()
    request.save(update_fields=["status", "reviewed_by", "review_comment", "reviewed_at"])
    audit.record(
        actor=actor_label(actor),
        action="seals.request.approve" if approve else "seals.request.reject",
        object_type="seals.SealRequest",
        object_id=str(request.public_id),
        before={"status": RequestStatus.PENDING},
        after={"status": request.status, "comment": comment},
        source_ip=source_ip,
    )
    return request


def _next_code(region_code: str) -> str:
    """印章编码: 13 digits, the GB/T 2260 region code of the department + a 7-digit sequence."""
    last = (
        Seal.objects.filter(code__startswith=region_code)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    sequence = int(last[6:]) + 1 if last else 1
    if sequence > 9_999_999:
        raise Conflict("SEAL_CODE_EXHAUSTED", "本区划的印章编码已用完")
    return f"{region_code}{sequence:07d}"


def make_seal(*, actor: Any, request: SealRequest, source_ip: str | None = None) -> Seal:
    """制章: keys in the key store, an ECDSA and an SM2 certificate, the image and the SESeal."""
    _require_platform_admin(actor, "制作印章")
    for attempt in range(3):
        try:
            return _make_seal(actor=actor, request=request, source_ip=source_ip)
        except IntegrityError:
            if attempt == 2:
                raise Conflict("SEALS_CONCURRENT_CHANGE", "印章编码冲突，请重试") from None
    raise AssertionError("unreachable")


@transaction.atomic
def _make_seal(*, actor: Any, request: SealRequest, source_ip: str | None) -> Seal:
    request = SealRequest.objects.select_for_update().select_related("department").get(pk=request.pk)
    if request.status != RequestStatus.APPROVED:
        raise Conflict("SEAL_REQUEST_NOT_APPROVED", "制章申请未经审核通过，不能制章")
    department = request.department
    code = _next_code(department.region_code)
    name = seal_display_name(request.kind, request.owner_name, request.purpose)
    face_code = code if request.kind in _ROUND_KINDS else ""
    spec = images.SealImageSpec(kind=request.kind, name=request.owner_name, purpose=request.purpose, code=face_code)
    width_mm, height_mm = images.seal_size_mm(request.kind)
    png = images.render_png(spec)
    store = keystore()
    certificates = {}
    keys = {}
    for algorithm in pki.ALGORITHMS:
        keys[algorithm] = store.generate(algorithm)
        certificates[algorithm] = pki.issue_seal_certificate(
            algorithm=algorithm,
            key=keys[algorithm],
            seal_name=name,
            seal_code=code,
            department_name=department.name,
            department_code=department.credit_code,
            not_before=request.valid_from,
            not_after=request.valid_to,
        )
    maker = pki.authority(AuthorityKind.SEAL_CA, KeyAlgorithm.SM2)  # 制章者: the SM2 seal CA
    ses_seal = ses.make_seal(
        es_id=code,
        seal_type=_SES_TYPES[request.kind],
        name=name,
        signer_certificates=[certificates[KeyAlgorithm.SM2].certificate.dump()],
        create_date=timezone.now(),
        valid_start=request.valid_from,
        valid_end=request.valid_to,
        picture_type="PNG",
        picture_data=png,
        width_mm=round(width_mm),
        height_mm=round(height_mm),
        maker_certificate=bytes(maker.certificate),
        maker_sign=lambda data: store.sign(maker.key, data),
    )
    seal = Seal.objects.create(
        code=code,
        department=department,
        request=request,
        kind=request.kind,
        name=name,
        owner_name=request.owner_name,
        purpose=request.purpose,
        valid_from=request.valid_from,
        valid_to=request.valid_to,
        ecdsa_key=keys[KeyAlgorithm.ECDSA_P256],
        ecdsa_certificate=certificates[KeyAlgorithm.ECDSA_P256].certificate.dump(),
        ecdsa_serial=certificates[KeyAlgorithm.ECDSA_P256].serial,
        sm2_key=keys[KeyAlgorithm.SM2],
        sm2_certificate=certificates[KeyAlgorithm.SM2].certificate.dump(),
        sm2_serial=certificates[KeyAlgorithm.SM2].serial,
        ses_seal=ses_seal,
        image_svg=images.render_svg(spec),
        image_png=png,
        width_mm=round(width_mm),
        height_mm=round(height_mm),
    )
    SealStatusEvent.objects.create(
        seal=seal, status=SealStatus.ACTIVE, reason="制章", effective_at=timezone.now(), changed_by=actor
    )
    request.status = RequestStatus.MADE
    request.save(update_fields=["status"])
    audit.record(
        actor=actor_label(actor),
        action="seals.seal.make",
        object_type="seals.Seal",
        object_id=seal.code,
        after={
            "name": name,
            "department": department.credit_code,
            "ecdsa_serial": seal.ecdsa_serial,
            "sm2_serial": seal.sm2_serial,
            "valid_to": seal.valid_to,
        },
        source_ip=source_ip,
    )
    return seal


# (current, wanted) -> allowed; 注销 is final.
_TRANSITIONS = {
    (SealStatus.ACTIVE, SealStatus.SUSPENDED),
    (SealStatus.SUSPENDED, SealStatus.ACTIVE),
    (SealStatus.ACTIVE, SealStatus.CANCELLED),
    (SealStatus.SUSPENDED, SealStatus.CANCELLED),
}


@transaction.atomic
def set_seal_status(
    *, actor: Any, seal: Seal, status: str, reason: str, source_ip: str | None = None
) -> Seal:
    """停用 / 启用 / 注销, effective at once for new signatures and in the CRL."""
    seal = Seal.objects.select_for_update().select_related("department").get(pk=seal.pk)
    _require_department_admin(actor, seal.department)
    if status not in SealStatus.values:
        raise ValidationFailed("SEAL_STATUS_INVALID", "印章状态不正确", details={"field": "status"})
    if (seal.status, status) not in _TRANSITIONS:
        raise Conflict(
            "SEAL_STATUS_TRANSITION",
            f"印章当前为“{SealStatus(seal.status).label}”，不能变更为“{SealStatus(status).label}”",
        )
    reason = _clean_text(reason, field="reason", label="变更原因", max_length=200)
    before = seal.status
    seal.status = status
    seal.status_reason = reason
    seal.save(update_fields=["status", "status_reason", "updated_at"])
    SealStatusEvent.objects.create(
        seal=seal, status=status, reason=reason, effective_at=timezone.now(), changed_by=actor
    )
    audit.record(
        actor=actor_label(actor),
        action=f"seals.seal.{status}",
        object_type="seals.Seal",
        object_id=seal.code,
        before={"status": before},
        after={"status": status, "reason": reason},
        source_ip=source_ip,
    )
    return seal


@transaction.atomic
def set_use_roles(*, actor: Any, seal: Seal, roles: list[str], source_ip: str | None = None) -> list[str]:
    """用章权限: which roles of the seal's own department may use it (replaces the list)."""
    seal = Seal.objects.select_for_update().select_related("department").get(pk=seal.pk)
    _require_department_admin(actor, seal.department)
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in USABLE_ROLES]
    if unknown:
        named = f"“{unknown[0][:40]}”" if unknown[0].isprintable() else ""  # never echo control characters
        allowed = "、".join(sorted(USABLE_ROLES))
        raise ValidationFailed(
            "SEAL_ROLE_INVALID", f"角色{named}不能使用印章，可选角色：{allowed}", details={"field": "roles"}
        )
    before = sorted(seal.permissions.values_list("role", flat=True))
    seal.permissions.exclude(role__in=chosen).delete()
    for role in chosen:
        SealUsePermission.objects.get_or_create(seal=seal, role=role, defaults={"granted_by": actor})
    audit.record(
        actor=actor_label(actor),
        action="seals.seal.permissions",
        object_type="seals.Seal",
        object_id=seal.code,
        before={"roles": before},
        after={"roles": chosen},
        source_ip=source_ip,
    )
    return chosen


def check_can_use(*, actor: Any, seal: Seal, at: dt.datetime | None = None) -> None:
    """Raises unless ``actor`` may sign with ``seal`` now: own department, a permitted role, active, valid."""
    staff = staff_of(actor)
    if staff is None or staff.department_id != seal.department_id:
        raise PermissionDenied("SEAL_OTHER_DEPARTMENT", "不能使用其他部门的印章")
    permitted = set(seal.permissions.values_list("role", flat=True))
    held = set(staff.role_grants.values_list("role", flat=True))
    if not permitted & held:
        raise PermissionDenied("SEAL_USE_NOT_PERMITTED", "您的角色未被授权使用该印章")
    check_usable(seal=seal, at=at)


def check_usable(*, seal: Seal, at: dt.datetime | None = None) -> None:
    at = at or timezone.now()
    if seal.status != SealStatus.ACTIVE:
        raise Conflict("SEAL_NOT_ACTIVE", f"印章已{SealStatus(seal.status).label}，不能用于签章")
    if not seal.valid_from <= at <= seal.valid_to:
        raise Conflict("SEAL_EXPIRED", "印章不在有效期内，不能用于签章")
