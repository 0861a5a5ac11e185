"""The local account of a person signed in through the hub (``HubLink``: issuer + pairwise ``sub``).

1. a link for (issuer, sub) exists: that account;
2. otherwise, when the hub session is at level 3 or more (``acr``) and the hub shares the verified
   document (scope ``idcard``): the local person with that document (blind index), provided the
   verified name matches; a mismatch is refused (the window sorts it out, never an automatic merge);
3. otherwise a new local person is created from the verified attributes, at the hub's level.

The local level is raised (never lowered) to the hub's account level, with an ``AssuranceEvent``
(method ``hub``) and an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.errors import DomainError
from zwfw.identity.hub.provider import HubLoginError
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import AssuranceEvent, AssuranceLevel, AssuranceMethod, HubLink, Person


@dataclass(frozen=True)
class HubIdentity:
    """What the hub verified about the person signing in (ID token and userinfo, both checked)."""

    issuer: str
    subject: str
    acr: int
    amr: list[str]
    name: str
    account_level: int
    document_type: str = ""
    document_number: str = ""
    mobile: str = ""
    sid: str = ""
    id_token: str = field(default="", repr=False)


def link_account(*, identity: HubIdentity, source_ip: str | None) -> tuple[Any, str]:
    """The local user of ``identity``: linked before, found by the verified document, or created.

    Returns ``(user, how)`` with ``how`` one of ``subject``, ``document``, ``created``. One transaction;
    a concurrent first sign-in of the same subject ends with the same single link.
    """
    try:
        with transaction.atomic():
            return _link_account(identity=identity, source_ip=source_ip)
    except IntegrityError:
        # Another request linked this subject (or used this document) a moment ago: take its result.
        link = (
            HubLink.objects.select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is None:
            raise HubLoginError(
                "HUB_LINK_CONFLICT",
                "本节点已有使用相同证件或手机号码的账号，请到政务服务窗口核验",
                status=409,
            ) from None
        return link.user, "subject"


def _link_account(*, identity: HubIdentity, source_ip: str | None) -> tuple[Any, str]:
    now = timezone.now()
    link = (
        HubLink.objects.select_for_update()
        .select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if link is not None:
        user = link.user
        if not user.is_active:
            raise HubLoginError(
                "HUB_ACCOUNT_DISABLED", "本节点的账号已停用，请联系 12345 政务服务便民热线", status=403
            )
        link.last_sign_in_at = now
        link.save(update_fields=["last_sign_in_at"])
        person = Person.objects.select_for_update().filter(user=user).first()
        if person is not None:
            _raise_level(person, identity)
        return user, "subject"

    document = _verified_document(identity)
    person = (
        # of=self: Person.user is nullable (a ward has no login), and PostgreSQL refuses FOR UPDATE on
        # the nullable side of the outer join select_related makes.
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(document_index=document_index(document.document_type, document.number))
        .first()
    )
    if person is not None:
        if identity.acr < AssuranceLevel.REGISTRY_MATCHED:
            raise HubLoginError(
                "HUB_LEVEL_TOO_LOW",
                "本节点已有使用该证件的账号。请在国家政务服务平台完成实名核验（三级及以上）后再登录",
                status=403,
            )
        if _same_name(person.name) != _same_name(identity.name):
            raise HubLoginError(
                "HUB_LINK_CONFLICT",
                "本节点使用该证件的账号姓名与国家平台不一致，请到政务服务窗口核验",
                status=409,
            )
        if person.user is None:
            # A ward registered here by a guardian now opens their own account (as registration does).
            person.user = _new_user()
            person.save(update_fields=["user", "updated_at"])
        elif HubLink.objects.filter(user=person.user, issuer=identity.issuer).exists():
            raise HubLoginError(
                "HUB_LINK_CONFLICT", "该账号已与另一个国家平台账号关联，请到政务服务窗口核验", status=409
            )
        if not person.user.is_active:
            raise HubLoginError(
                "HUB_ACCOUNT_DISABLED", "本节点的账号已停用，请联系 12345 政务服务便民热线", status=403
            )
        link = HubLink.objects.create(
            user=person.user, issuer=identity.issuer, subject=identity.subject, last_sign_in_at=now
        )
        _raise_level(person, identity)
        _audit_link(link, identity, how="document", source_ip=source_ip)
        return person.user, "document"

    user = _new_user()
    mobile = identity.mobile
    if mobile and Person.objects.filter(mobile_index=mobile_index(mobile)).exists():
        mobile = ""  # the number belongs to another local account: not taken over
    level = identity.account_level or AssuranceLevel.FORMAT_CHECKED
    person = Person.objects.create(
        user=user,
        document_type=document.document_type,
        document_number=document.number,
        document_index=document_index(document.document_type, document.number),
        name=identity.name,
        birth_date=document.birth_date,
        mobile=mobile,
        mobile_index=mobile_index(mobile) if mobile else "",
        assurance_level=level,
    )
    AssuranceEvent.objects.create(
        person=person, level=level, method=AssuranceMethod.HUB, note=f"国家平台认证等级 {level} 级"
    )
    link = HubLink.objects.create(
        user=user, issuer=identity.issuer, subject=identity.subject, last_sign_in_at=now
    )
    _audit_link(link, identity, how="created", source_ip=source_ip)
    return user, "created"


def _new_user() -> Any:
    """A login of its own with no password: this person signs in here through the hub."""
    from zwfw.identity.accounts import new_username

    user = get_user_model()(username=new_username())
    user.set_unusable_password()
    user.save()
    return user


def _verified_document(identity: HubIdentity) -> Any:
    from zwfw.identity.documents import validate_document

    if not identity.document_type or not identity.document_number:
        raise HubLoginError(
            "HUB_MISSING_CLAIMS",
            "国家政务服务平台未提供您的证件信息。请在国家平台完成实名认证，并在授权时同意提供证件信息",
        )
    try:
        return validate_document(identity.document_type, identity.document_number)
    except DomainError as exc:
        raise HubLoginError("HUB_MISSING_CLAIMS", "国家政务服务平台提供的证件信息无法识别") from exc


def _same_name(name: str) -> str:
    return "".join(name.split())


def _raise_level(person: Person, identity: HubIdentity) -> None:
    """The hub vouches for its account level: raise the local one to it (never lower it)."""
    if identity.account_level > person.assurance_level:
        before = person.assurance_level
        person.assurance_level = identity.account_level
        person.save(update_fields=["assurance_level", "updated_at"])
        AssuranceEvent.objects.create(
            person=person,
            level=identity.account_level,
            method=AssuranceMethod.HUB,
            note=f"国家平台认证等级 {identity.account_level} 级",
        )
        audit.record(
            actor=f"user:{person.user_id}",
            action="identity.assurance_raised",
            object_type="person",
            object_id=str(person.public_id),
            before={"level": before},
            after={"level": person.assurance_level},
            details={"method": AssuranceMethod.HUB},
        )


def _audit_link(link: HubLink, identity: HubIdentity, *, how: str, source_ip: str | None) -> None:
    audit.record(
        actor=f"user:{link.user_id}",
        action="identity.hub_link",
        object_type="hub_link",
        object_id=link.pk,
        after={"issuer": link.issuer, "subject": link.subject, "user": link.user_id},
        source_ip=source_ip,
        details={"issuer": link.issuer, "linked_by": how, "acr": identity.acr},
    )
