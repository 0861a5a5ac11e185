"""统一身份认证 JSON API (under /api/v1/identity/): sign-in codes, passkeys, one's own sessions.

Browser calls: the session cookie and a CSRF token (``X-CSRFToken``) even where nobody is signed in
yet; the WebAuthn ceremonies keep their challenge in the session, so they take no bearer token. Every personal endpoint is scoped to the caller: another person's session or passkey is 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from zwfw.core.api import ErrorOut
from zwfw.identity import authn, session_admin, sessions
from zwfw.identity import passkeys as passkey_service
from zwfw.identity.api.auth import account_auth, require_csrf, session_auth

router = Router(tags=["统一身份认证"])



def _challenge(request: HttpRequest, key: str) -> bytes | None:
    """The challenge kept for this ceremony, used once."""
    value = request.session.pop(key, None)
    try:
        return base64url_to_bytes(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


class LoginCodeIn(Schema):
    mobile: str = Field(max_length=20, description="手机号码（11位）")


class MessageOut(Schema):
    message: str = Field(description="中文提示")


class PasskeyRegistrationIn(Schema):
    name: str = Field(max_length=200, description="通行密钥名称，如“我的手机”")
    credential: dict[str, Any] = Field(
        description="navigator.credentials.create() 的结果（JSON，二进制字段为 base64url）"
    )


class PasskeyAssertionIn(Schema):
    credential: dict[str, Any] = Field(
        description="navigator.credentials.get() 的结果（JSON，二进制字段为 base64url）"
    )
    next: str = Field(default="", max_length=2000, description="登录后前往的本站相对地址")


class RedirectOut(Schema):
    redirect: str = Field(description="接下来前往的本站地址")


class PasskeyOut(Schema):
    id: uuid.UUID = Field(description="通行密钥标识")
    name: str = Field(description="名称")
    created_at: dt.datetime = Field(description="登记时间")
    last_used_at: dt.datetime | None = Field(description="最近使用时间")

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id


class SessionOut(Schema):
    id: uuid.UUID = Field(description="会话标识")
    device: str = Field(description="设备（浏览器与操作系统）")
    ip: str = Field(description="来源地址（部分隐藏）")
    methods: str = Field(description="认证方式")
    created_at: dt.datetime = Field(description="登录时间")
    last_seen_at: dt.datetime = Field(description="最近活动时间")
    current: bool = Field(description="是否为当前会话")

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id


# ---------------------------------------------------------------------------------------------
# Sign-in
# ---------------------------------------------------------------------------------------------


@router.post(
    "/login/code",
    response={200: MessageOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="获取登录短信验证码",
    description="向手机号发送登录验证码；无论该号码是否注册，回答都相同。按来源地址和手机号限流。",
)
def login_code(request: HttpRequest, payload: LoginCodeIn) -> dict:
    require_csrf(request)
    authn.request_login_code(mobile=payload.mobile, source_ip=sessions.client_ip(request))
    return {"message": "如该手机号已注册，验证码已发送，5分钟内有效"}


@router.post(
    "/passkeys/authentication/options",
    response={200: dict, 403: ErrorOut},
    summary="通行密钥登录：获取验证参数",
    description="返回 PublicKeyCredentialRequestOptions（WebAuthn），allowCredentials 为空（可发现凭据）。"
    "挑战值保存在会话中，只能使用一次。登录和已登录后的身份确认（step-up）都用它。",
)
def passkey_authentication_options(request: HttpRequest) -> dict:
    require_csrf(request)
    options, challenge = passkey_service.authentication_options(rp=passkey_service.relying_party(request))
    request.session[passkey_service.AUTHENTICATION_CHALLENGE] = bytes_to_base64url(challenge)
    return options


@router.post(
    "/passkeys/authentication",
    response={200: RedirectOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="通行密钥登录",
    description="验证断言并登录（认证方式 hwk，需设备验证本人）。每次尝试都记录并计入限流。",
)
def passkey_authentication(request: HttpRequest, payload: PasskeyAssertionIn) -> dict:
    require_csrf(request)
    passkey = passkey_service.authenticate(
        credential=payload.credential,
        challenge=_challenge(request, passkey_service.AUTHENTICATION_CHALLENGE),
        rp=passkey_service.relying_party(request),
        source_ip=sessions.client_ip(request),
    )
    authn.drop_pending(request)
    sessions.sign_in(request, passkey.user, methods=["hwk"])
    return {"redirect": authn.safe_next(request, payload.next)}


@router.post(
    "/passkeys/step-up",
    auth=session_auth,
    response={200: RedirectOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="用通行密钥确认身份（step-up）",
    description="已登录用户用自己的通行密钥再次确认身份，会话等级在一段时间内提升到账号等级。",
)
def passkey_step_up(request: HttpRequest, payload: PasskeyAssertionIn) -> dict:
    passkey_service.authenticate(
        credential=payload.credential,
        challenge=_challenge(request, passkey_service.AUTHENTICATION_CHALLENGE),
        rp=passkey_service.relying_party(request),
        source_ip=sessions.client_ip(request),
        user=request.user,
        action=authn.STEP_UP,
    )
    sessions.step_up(request, method="hwk")
    return {"redirect": authn.safe_next(request, payload.next)}


# ---------------------------------------------------------------------------------------------
# Passkeys of the caller
# ---------------------------------------------------------------------------------------------


@router.post(
    "/passkeys/registration/options",
    auth=session_auth,
    response={200: dict, 401: ErrorOut, 403: ErrorOut},
    summary="登记通行密钥：获取创建参数",
    description="返回 PublicKeyCredentialCreationOptions（WebAuthn）：要求可发现凭据和用户验证（preferred），"
    "排除已登记的凭据。挑战值保存在会话中，只能使用一次。",
)
def passkey_registration_options(request: HttpRequest) -> dict:
    authn.require_account_level(request)
    options, challenge = passkey_service.registration_options(
        user=request.user, rp=passkey_service.relying_party(request)
    )
    request.session[passkey_service.REGISTRATION_CHALLENGE] = bytes_to_base64url(challenge)
    return options


@router.post(
    "/passkeys/registration",
    auth=session_auth,
    response={201: PasskeyOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记通行密钥",
    description="验证认证器的注册结果并保存通行密钥。",
)
def passkey_registration(request: HttpRequest, payload: PasskeyRegistrationIn) -> Status:
    authn.require_account_level(request)
    passkey = passkey_service.register(
        user=request.user,
        name=payload.name,
        credential=payload.credential,
        challenge=_challenge(request, passkey_service.REGISTRATION_CHALLENGE),
        rp=passkey_service.relying_party(request),
        source_ip=sessions.client_ip(request),
    )
    return Status(201, passkey)


@router.get(
    "/passkeys",
    auth=account_auth,
    response={200: list[PasskeyOut], 401: ErrorOut},
    summary="我的通行密钥",
    description="当前登录用户登记的通行密钥。",
)
def list_passkeys(request: HttpRequest) -> list[Any]:
    return list(passkey_service.passkeys_of(user=request.user))


@router.delete(
    "/passkeys/{passkey_id}",
    auth=session_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="删除通行密钥",
    description="删除自己的一个通行密钥；不是自己的或不存在的返回 404。",
)
def delete_passkey(request: HttpRequest, passkey_id: str) -> Status:
    passkey_service.remove(user=request.user, public_id=passkey_id, source_ip=sessions.client_ip(request))
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Sessions of the caller
# ---------------------------------------------------------------------------------------------


@router.get(
    "/sessions",
    auth=account_auth,
    response={200: list[SessionOut], 401: ErrorOut},
    summary="我的登录会话",
    description="当前登录用户未结束的会话（设备、部分隐藏的来源地址、认证方式、时间），标出当前会话。",
)
def list_sessions(request: HttpRequest) -> list[Any]:
    return session_admin.sessions_of(user=request.user, current_key=request.session.session_key)


@router.delete(
    "/sessions/{session_id}",
    auth=session_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="结束登录会话",
    description="立即结束自己的一个会话（从会话存储中删除）；不是自己的或已结束的返回 404。",
)
def delete_session(request: HttpRequest, session_id: str) -> Status:
    row = session_admin.revoke_session(
        user=request.user, public_id=session_id, source_ip=sessions.client_ip(request)
    )
    if row.session_key == request.session.session_key:
        sessions.sign_out(request, reason="revoked")
    return Status(204, None)
