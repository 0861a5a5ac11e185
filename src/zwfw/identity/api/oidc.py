"""JSON API of the OpenID Connect provider: the person's consents, and the calling token's info."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from oauth2_provider.scopes import get_scopes_backend

from zwfw.core.api import ErrorOut
from zwfw.core.errors import PermissionDenied
from zwfw.core.masking import mask_name
from zwfw.identity.api.auth import account_auth, session_auth, token_auth
from zwfw.identity.models import Consent
from zwfw.identity.oidc import bearer
from zwfw.identity.oidc import consent as consents
from zwfw.identity.sessions import client_ip

router = Router(tags=["统一身份认证"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ConsentOut(Schema):
    id: uuid.UUID = Field(description="授权记录标识")
    client_id: str = Field(description="应用的 client_id")
    client_name: str = Field(description="应用名称")
    scopes: list[str] = Field(description="已同意的授权范围")
    scope_descriptions: list[str] = Field(description="授权范围的中文说明")
    granted_at: dt.datetime = Field(description="最近一次同意的时间")

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        described = get_scopes_backend().get_all_scopes()
        return cls(
            id=consent.public_id,
            client_id=consent.application.client_id,
            client_name=consent.application.name,
            scopes=list(consent.scopes),
            scope_descriptions=[described.get(s, s) for s in consent.scopes],
            granted_at=consent.granted_at,
        )


class TokenInfoOut(Schema):
    sub: str = Field(description="该应用看到的用户标识（pairwise）")
    client_id: str = Field(description="令牌所属应用")
    scope: str = Field(description="令牌的授权范围，空格分隔")
    acr: str | None = Field(default=None, description="登录时的认证等级")
    amr: list[str] = Field(default_factory=list, description="登录方式（RFC 8176）")
    exp: int = Field(description="过期时间（Unix 秒）")
    iat: int = Field(description="签发时间（Unix 秒）")
    account_name: str = Field(description="账号姓名（脱敏）")


@router.get(
    "/consents",
    auth=account_auth,
    response={200: list[ConsentOut], **ERRORS},
    summary="我的授权",
    description="本人对各应用的授权同意（仅本人可见）。",
)
def list_consents(request: HttpRequest) -> list[ConsentOut]:
    return [ConsentOut.of(c) for c in consents.consents_of(user=request.user)]


@router.delete(
    "/consents/{consent_id}",
    auth=session_auth,  # the person's own browser: a relying party's token must not revoke others' consents
    response={204: None, **ERRORS},
    summary="撤销授权",
    description="撤销本人的一条授权；该应用为本人持有的令牌同时失效。他人的授权记录返回 404。",
)
def revoke_consent(request: HttpRequest, consent_id: str) -> HttpResponse:
    consents.revoke_consent(user=request.user, consent_id=consent_id, source_ip=client_ip(request))
    return HttpResponse(status=204)


@router.get(
    "/token-info",
    auth=token_auth,
    response={200: TokenInfoOut, **ERRORS},
    summary="访问令牌信息",
    description="以访问令牌（Bearer）调用时返回令牌本身的声明和脱敏的账号姓名；令牌在本节点本地校验。",
)
def token_info(request: HttpRequest) -> TokenInfoOut:
    verified = bearer.verify_request(request)
    if verified is None:
        raise PermissionDenied("BEARER_TOKEN_REQUIRED", "请使用访问令牌调用该接口")
    claims = verified.claims
    user = request.user
    person = getattr(user, "person", None)
    name = person.name if person is not None else user.get_username()
    return TokenInfoOut(
        sub=verified.sub,
        client_id=verified.client_id,
        scope=str(claims.get("scope", "")),
        acr=claims.get("acr"),
        amr=list(claims.get("amr", [])),
        exp=int(claims["exp"]),
        iat=int(claims.get("iat", 0)),
        account_name=mask_name(name),
    )
