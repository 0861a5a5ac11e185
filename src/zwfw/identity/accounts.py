"""Accounts: natural-person registration, enterprise registration, assurance levels, own profile.

Natural-person registration checks three items (国办函〔2016〕108号《关于加快推进"互联网+政务服务"
工作的指导意见》的技术体系建设指南: online registration checks at least three items, the ID document
being one):

1. name + document number against the population registry (人口库);
2. the document's expiry date (有效期) against the same registry record;
3. possession of the mobile, by an SMS code (``zwfw.identity.otp``, purpose ``register``).

Passing all three gives level 3 (Guangdong trust levels: 2 format checked, 3 registry matched);
the account shows both steps as ``AssuranceEvent`` rows. Level 4 is recorded by a window clerk
after checking the real person (``record_in_person_check``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.codes import parse_credit_code
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.masking import mask_mobile
from zwfw.identity import otp, throttle
from zwfw.identity.documents import age_on, validate_document
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import (
    AssuranceEvent,
    AssuranceLevel,
    AssuranceMethod,
    Enterprise,
    Person,
    StaffRole,
)
from zwfw.identity.registries import enterprise_registry, population_registry
from zwfw.notifications.errors import Throttled
from zwfw.notifications.services import normalise_email, normalise_mobile

# 个人信息保护法 第31条: personal information of a child under 14 is processed only with the
# guardian's consent, so a child under 14 does not open an account; the guardian acts for them.
MIN_OWN_ACCOUNT_AGE = 14
MAX_NAME_LENGTH = 64


class RegistrationNotVerified(ValidationFailed):
    """One message whatever differed (name, number, expiry, status): nothing leaks about the registry."""

    def __init__(self) -> None:
        super().__init__(
            "IDENTITY_NOT_VERIFIED",
            "身份信息核验未通过，请核对姓名、证件号码和证件有效期",
            details={"field": "document_number"},
        )


def _user_actor(user: Any) -> str:
    return f"user:{user.pk}"


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("INVALID_NAME", "请填写姓名", details={"field": "name"})
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            "INVALID_NAME", f"姓名不能超过{MAX_NAME_LENGTH}个字符", details={"field": "name"}
        )
    return name


def check_password(password: object, user: Any = None) -> str:
    """Django's validators (NIST SP 800-63B: length 8..128, not a common password, no composition rules)."""
    if not isinstance(password, str) or not password:
        raise ValidationFailed("INVALID_PASSWORD", "请设置密码", details={"field": "password"})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "INVALID_PASSWORD", "；".join(exc.messages), details={"field": "password"}
        ) from None
    return password


def new_username() -> str:
    """A login handle nobody types: people sign in by mobile or document number."""
    return "p" + uuid.uuid4().hex


def send_register_code(*, mobile: str, source_ip: str | None = None) -> None:
    """Send a registration code. Raises ``INVALID_MOBILE`` or ``MESSAGE_RATE_LIMITED`` (429).

    Besides the per-mobile limits of notifications, one source address gets
    ``throttle.CODE_REQUESTS_PER_ADDRESS`` registration codes an hour, counted in the database
    (``throttle.allow_code_request``, the mechanism of the sign-in codes): one address must not make
    the node send SMS to many numbers (SMS pumping).
    """
    mobile = normalise_mobile(mobile)
    if not throttle.allow_code_request(source_ip=source_ip, purpose="register"):
        raise Throttled(
            "获取验证码过于频繁，请1小时后再试",
            retry_after_seconds=int(throttle.CODE_REQUEST_WINDOW.total_seconds()),
        )
    otp.issue_code(purpose="register", mobile=mobile)


def register_person(
    *,
    name: str,
    document_type: str,
    document_number: str,
    document_valid_until: dt.date | None,
    mobile: str,
    code: str,
    password: str,
    accepted_terms: bool,
    email: str = "",
    source_ip: str | None = None,
) -> Person:
    """Register a natural person online at level 3 (see the module docstring for the three checks).

    ``document_valid_until`` None means the document is valid for life (长期). Raises:
    ``TERMS_NOT_ACCEPTED``, ``INVALID_*`` (format), ``PERSON_EXISTS`` / ``MOBILE_TAKEN`` (409),
    ``IDENTITY_NOT_VERIFIED`` (any registry mismatch, one generic message), ``UNDER_AGE``,
    ``SMS_CODE_INVALID``. Nothing is created unless every check passed.
    """
    if accepted_terms is not True:
        raise ValidationFailed(
            "TERMS_NOT_ACCEPTED", "请阅读并同意用户服务协议和隐私政策", details={"field": "accepted_terms"}
        )
    name = _clean_name(name)
    doc = validate_document(document_type, document_number)
    mobile = normalise_mobile(mobile)
    email = normalise_email(email) if email else ""
    check_password(password)
    index = document_index(doc.document_type, doc.number)
    m_index = mobile_index(mobile)

    # Whether a document or a mobile has an account is told only to whoever proved more than the
    # number itself (OWASP Authentication Cheat Sheet, account enumeration): the document's after the
    # registry match (name, number and expiry), the mobile's after its SMS code.
    today = timezone.localdate()
    match = population_registry().match_person(doc.document_type, doc.number, name)
    expired = match.valid_until is not None and match.valid_until < today
    if not match.matched or match.valid_until != document_valid_until or expired:
        audit.record(
            actor="anonymous",
            action="identity.register_person",
            object_type="person",
            object_id="-",
            source_ip=source_ip,
            result="failure",
            details={
                "reason": "registry_mismatch",
                "found": match.found,
                "name_matches": match.name_matches,
                "active": match.active,
                "valid_until_matches": match.valid_until == document_valid_until,
                "expired": expired,
            },
        )
        raise RegistrationNotVerified()
    birth_date = doc.birth_date or match.birth_date
    if birth_date is not None and age_on(birth_date, today) < MIN_OWN_ACCOUNT_AGE:
        raise ValidationFailed(
            "UNDER_AGE",
            "不满十四周岁的未成年人不能自行注册，请由监护人在其账号中添加并代为办理",
            details={"field": "document_number"},
        )
    existing = Person.objects.filter(document_index=index).first()
    if existing is not None and existing.user_id is not None:
        raise Conflict(
            "PERSON_EXISTS", "该证件已注册，请直接登录或找回密码", details={"field": "document_number"}
        )
    # Then the code, consumed only when everything else is right (its failed try is committed); only
    # whoever holds the mobile learns that it is taken.
    otp.verify_code(purpose="register", mobile=mobile, code=code)
    if Person.objects.filter(mobile_index=m_index).exists():
        raise Conflict("MOBILE_TAKEN", "该手机号码已被其他账号使用", details={"field": "mobile"})

    try:
        with transaction.atomic():
            user = get_user_model()(username=new_username(), email=email)
            user.set_password(password)
            user.save()
            if existing is not None:  # a ward registered by a guardian now opens their own account
                person = Person.objects.select_for_update().get(pk=existing.pk)
                if person.user_id is not None:
                    raise IntegrityError("person already has an account")
                person.user = user
                person.name, person.mobile, person.mobile_index, person.email = name, mobile, m_index, email
                person.birth_date = birth_date
                person.assurance_level = max(person.assurance_level, AssuranceLevel.REGISTRY_MATCHED)
                person.save()
            else:
                person = Person.objects.create(
                    user=user,
                    document_type=doc.document_type,
                    document_number=doc.number,
                    document_index=index,
                    name=name,
                    birth_date=birth_date,
                    mobile=mobile,
                    mobile_index=m_index,
                    email=email,
                    assurance_level=AssuranceLevel.REGISTRY_MATCHED,
                )
            AssuranceEvent.objects.create(
                person=person,
                level=AssuranceLevel.FORMAT_CHECKED,
                method=AssuranceMethod.FORMAT,
                note="证件号码格式校验通过",
            )
            AssuranceEvent.objects.create(
                person=person,
                level=AssuranceLevel.REGISTRY_MATCHED,
                method=AssuranceMethod.REGISTRY,
                note="姓名、证件号码、证件有效期经人口库比对一致，手机号码经短信验证",
            )
            audit.record(
                actor=_user_actor(user),
                action="identity.register_person",
                object_type="person",
                object_id=str(person.public_id),
                source_ip=source_ip,
                details={"document_type": doc.document_type, "level": 3, "mobile": mask_mobile(mobile)},
            )
    except IntegrityError:
        # Someone registered the same document or mobile between the checks and the insert.
        raise Conflict(
            "PERSON_EXISTS", "该证件或手机号码已注册", details={"field": "document_number"}
        ) from None
    return person


# ---------------------------------------------------------------------------------------------
# Assurance levels
# ---------------------------------------------------------------------------------------------


def level_history(*, person: Person) -> list[AssuranceEvent]:
    """How the person's level was reached, newest first."""
    return list(person.assurance_events.select_related("recorded_by").order_by("-created_at", "-id"))


def find_person_for_check(*, clerk: Any, document_type: str, document_number: str) -> Person:
    """The workbench's look-up: a window clerk finds a person by document (404 if none)."""
    _require_window_clerk(clerk)
    doc = validate_document(document_type, document_number)
    person = Person.objects.filter(document_index=document_index(doc.document_type, doc.number)).first()
    if person is None:
        raise NotFound("PERSON_NOT_FOUND", "未找到持该证件的注册用户")
    return person


def _require_window_clerk(clerk: Any) -> None:
    from zwfw.identity.staff import has_role

    if not has_role(clerk, StaffRole.WINDOW_CLERK):
        raise PermissionDenied("NOT_WINDOW_CLERK", "只有在岗的窗口受理人员可以记录现场核验")


def record_in_person_check(
    *, clerk: Any, person_public_id: str, note: str = "", source_ip: str | None = None
) -> Person:
    """实人核验 at a window: the clerk checked the real person and the document; level 4.

    Only an active window clerk may record it; a person already at 4 or above is left as is
    (``ALREADY_VERIFIED``, 409). Separation of duties: a clerk never raises their own account
    (``SELF_CHECK_FORBIDDEN``, 403), recognised by the clerk's user being the person's, or by the
    clerk's staff mobile being the person's (blind index), since a clerk's citizen account is a
    separate user.
    """
    from zwfw.identity.staff import staff_of

    _require_window_clerk(clerk)
    note = (note or "").strip()[:200]
    with transaction.atomic():
        key = _uuid_or_none(person_public_id)
        person = None if key is None else Person.objects.select_for_update().filter(public_id=key).first()
        if person is None:
            raise NotFound("PERSON_NOT_FOUND", "未找到该用户")
        staff = staff_of(clerk)
        if person.user_id == clerk.pk or (
            staff is not None and staff.mobile_index and staff.mobile_index == person.mobile_index
        ):
            raise PermissionDenied(
                "SELF_CHECK_FORBIDDEN", "不能为本人的账号记录现场核验，请由其他窗口受理人员办理"
            )
        if person.assurance_level >= AssuranceLevel.REAL_PERSON:
            raise Conflict("ALREADY_VERIFIED", "该用户已达到四级或以上认证等级")
        before = person.assurance_level
        person.assurance_level = AssuranceLevel.REAL_PERSON
        person.save(update_fields=["assurance_level", "updated_at"])
        AssuranceEvent.objects.create(
            person=person,
            level=AssuranceLevel.REAL_PERSON,
            method=AssuranceMethod.WINDOW_IN_PERSON,
            recorded_by=clerk,
            note=note or "窗口现场核验本人及证件原件",
        )
        audit.record(
            actor=_user_actor(clerk),
            action="identity.in_person_check",
            object_type="person",
            object_id=str(person.public_id),
            before={"level": before},
            after={"level": 4},
            source_ip=source_ip,
            details={"from_level": before, "to_level": 4},
        )
    return person


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Own profile
# ---------------------------------------------------------------------------------------------


def send_mobile_change_code(*, person: Person, mobile: str) -> None:
    """A code to the *new* mobile; refused if another account uses it."""
    mobile = normalise_mobile(mobile)
    if Person.objects.filter(mobile_index=mobile_index(mobile)).exclude(pk=person.pk).exists():
        raise Conflict("MOBILE_TAKEN", "该手机号码已被其他账号使用", details={"field": "mobile"})
    otp.issue_code(purpose="mobile_change", mobile=mobile)


def update_profile(
    *,
    person: Person,
    email: str | None = None,
    mobile: str | None = None,
    code: str | None = None,
    source_ip: str | None = None,
) -> Person:
    """Change one's own e-mail and/or mobile (a new mobile needs its SMS code, purpose ``mobile_change``).

    ``None`` leaves a field as is; ``email=""`` removes the e-mail.
    """
    new_email = None if email is None else (normalise_email(email) if email.strip() else "")
    new_mobile = None
    if mobile is not None:
        new_mobile = normalise_mobile(mobile)
        if new_mobile == person.mobile:
            new_mobile = None
        elif Person.objects.filter(mobile_index=mobile_index(new_mobile)).exclude(pk=person.pk).exists():
            raise Conflict("MOBILE_TAKEN", "该手机号码已被其他账号使用", details={"field": "mobile"})
    if new_mobile is not None:
        otp.verify_code(purpose="mobile_change", mobile=new_mobile, code=code or "")
    changed: list[str] = []
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            if new_email is not None and new_email != locked.email:
                locked.email = new_email
                changed.append("email")
            if new_mobile is not None:
                locked.mobile, locked.mobile_index = new_mobile, mobile_index(new_mobile)
                changed.append("mobile")
            if changed:
                locked.save(
                    update_fields=[*changed, *(["mobile_index"] if "mobile" in changed else []), "updated_at"]
                )
                audit.record(
                    actor=_user_actor(locked.user),
                    action="identity.update_profile",
                    object_type="person",
                    object_id=str(locked.public_id),
                    source_ip=source_ip,
                    details={"fields": changed},
                )
    except IntegrityError:
        raise Conflict("MOBILE_TAKEN", "该手机号码已被其他账号使用", details={"field": "mobile"}) from None
    return locked


# ---------------------------------------------------------------------------------------------
# Enterprises (法人)
# ---------------------------------------------------------------------------------------------


def register_enterprise(*, person: Person, credit_code: str, source_ip: str | None = None) -> Enterprise:
    """The legal representative registers the enterprise after a match against the enterprise registry.

    The registry's legal representative (name and document) must be the signed-in person, who must be
    at level 3 or above. Raises ``INVALID_CREDIT_CODE``, ``LEVEL_TOO_LOW`` (403),
    ``ENTERPRISE_NOT_VERIFIED`` (generic, any mismatch), ``ENTERPRISE_EXISTS`` (409).
    """
    code = parse_credit_code(credit_code).code  # GB 32100-2015
    if person.assurance_level < AssuranceLevel.REGISTRY_MATCHED:
        raise PermissionDenied("LEVEL_TOO_LOW", "注册法人账号需要三级或以上认证等级")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise Conflict(
            "ENTERPRISE_EXISTS", "该统一社会信用代码已注册法人账号", details={"field": "credit_code"}
        )
    match = enterprise_registry().match_enterprise(
        code, person.name, (person.document_type, person.document_number)
    )
    if not match.matched:
        audit.record(
            actor=_user_actor(person.user),
            action="identity.register_enterprise",
            object_type="enterprise",
            object_id=code,
            source_ip=source_ip,
            result="failure",
            details={
                "found": match.found,
                "legal_rep_matches": match.legal_rep_matches,
                "active": match.active,
            },
        )
        raise ValidationFailed(
            "ENTERPRISE_NOT_VERIFIED",
            "法人信息核验未通过：请确认统一社会信用代码正确，且您是该主体登记的法定代表人",
            details={"field": "credit_code"},
        )
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                credit_code=code,
                name=match.name,
                kind=match.kind,
                legal_representative=person,
                assurance_level=AssuranceLevel.REGISTRY_MATCHED,
            )
            audit.record(
                actor=_user_actor(person.user),
                action="identity.register_enterprise",
                object_type="enterprise",
                object_id=str(enterprise.public_id),
                source_ip=source_ip,
                details={"credit_code": code},
            )
    except IntegrityError:
        raise Conflict(
            "ENTERPRISE_EXISTS", "该统一社会信用代码已注册法人账号", details={"field": "credit_code"}
        ) from None
    return enterprise
