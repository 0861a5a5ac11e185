"""JSON API: accounts, enterprises, grants, principals (under /api/v1/identity/).

Every personal endpoint reads through actor-scoped selectors: another person's enterprise or grant
is 404, exactly like one that does not exist. Reads accept the browser session or a bearer access
token; changes take the person's own browser session (with CSRF) only: an access token is what a
relying party holds, and it must not grant agents, change the profile or act for an enterprise.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from zwfw.core.api import ErrorOut
from zwfw.identity import accounts, agents, authn, selectors
from zwfw.identity.api.auth import account_auth, require_csrf, session_auth
from zwfw.identity.schemas import (
    ActAsIn,
    EnterpriseIn,
    EnterpriseOut,
    GrantIn,
    GrantOut,
    LevelEventOut,
    MobileCodeIn,
    PrincipalOut,
    ProfileOut,
    ProfilePatch,
    RegisterCodeIn,
    RegisterIn,
    SentOut,
)
from zwfw.identity.sessions import client_ip

router = Router(tags=["统一身份认证"])

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}



@router.post(
    "/register/code",
    response={200: SentOut, **ERRORS},
    summary="获取注册验证码",
    description="向手机号码发送6位注册验证码，5分钟有效；同一号码每分钟1条、每小时5条，同一来源地址每小时20条。",
)
def register_code(request: HttpRequest, payload: RegisterCodeIn) -> dict:
    require_csrf(request)
    accounts.send_register_code(mobile=payload.mobile, source_ip=client_ip(request))
    return {"sent": True}


@router.post(
    "/register",
    response={201: ProfileOut, **ERRORS},
    summary="自然人注册",
    description="核验三项：姓名与证件号码经人口库比对、证件有效期经人口库比对、手机号码经短信验证码验证；"
    "全部通过后开通三级账号。核验不一致时返回统一的错误信息，不创建任何数据。",
)
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    require_csrf(request)
    person = accounts.register_person(**payload.model_dump(), source_ip=client_ip(request))
    return Status(201, ProfileOut.of(person))


@router.get("/me", auth=account_auth, response={200: ProfileOut, **ERRORS}, summary="本人信息")
def me(request: HttpRequest) -> ProfileOut:
    return ProfileOut.of(selectors.require_person(request.user))


@router.patch(
    "/me",
    auth=session_auth,
    response={200: ProfileOut, **ERRORS},
    summary="修改本人信息",
    description="修改电子邮箱或手机号码；更换手机号码须先调用 /me/mobile/code 获取发往新号码的验证码。",
)
def update_me(request: HttpRequest, payload: ProfilePatch) -> ProfileOut:
    if payload.mobile is not None:
        authn.require_account_level(request)  # step-up codes go to the mobile
    person = accounts.update_profile(
        person=selectors.require_person(request.user), **payload.model_dump(), source_ip=client_ip(request)
    )
    return ProfileOut.of(person)


@router.post(
    "/me/mobile/code", auth=session_auth, response={200: SentOut, **ERRORS}, summary="获取更换手机号验证码"
)
def mobile_code(request: HttpRequest, payload: MobileCodeIn) -> dict:
    authn.require_account_level(request)
    accounts.send_mobile_change_code(person=selectors.require_person(request.user), mobile=payload.mobile)
    return {"sent": True}


@router.get(
    "/me/levels",
    auth=account_auth,
    response={200: list[LevelEventOut], **ERRORS},
    summary="认证等级记录",
    description="本人认证等级是如何达到的，按时间倒序。",
)
def my_levels(request: HttpRequest) -> list[LevelEventOut]:
    person = selectors.require_person(request.user)
    return [LevelEventOut.of(e) for e in accounts.level_history(person=person)]


@router.get(
    "/enterprises", auth=account_auth, response={200: list[EnterpriseOut], **ERRORS}, summary="我的法人"
)
def my_enterprises(request: HttpRequest) -> list[EnterpriseOut]:
    person = selectors.require_person(request.user)
    return [EnterpriseOut.of(e) for e in selectors.enterprises_represented_by(person)]


@router.post(
    "/enterprises",
    auth=session_auth,
    response={201: EnterpriseOut, **ERRORS},
    summary="法人注册",
    description="法定代表人本人（三级及以上）注册法人账号：统一社会信用代码经法人库比对，且登记的法定代表人须为本人。",
)
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    enterprise = accounts.register_enterprise(
        person=selectors.require_person(request.user),
        credit_code=payload.credit_code,
        source_ip=client_ip(request),
    )
    return Status(201, EnterpriseOut.of(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/grants",
    auth=account_auth,
    response={200: list[GrantOut], **ERRORS},
    summary="经办人授权列表",
    description="法定代表人查看本法人的全部授权（含已撤销、已过期）；其他人得到 404。",
)
def list_grants(request: HttpRequest, enterprise_id: str) -> list[GrantOut]:
    person = selectors.require_person(request.user)
    enterprise = selectors.enterprise_of_legal_rep(person=person, enterprise_id=enterprise_id)
    return [GrantOut.of(g) for g in selectors.grants_of(person=person, enterprise=enterprise)]


@router.post(
    "/enterprises/{enterprise_id}/grants",
    auth=session_auth,
    response={201: GrantOut, **ERRORS},
    summary="授权经办人",
    description="法定代表人授权已注册的自然人代表本法人办理全部或指定事项，至指定日期（最长3年）。",
)
def create_grant(request: HttpRequest, enterprise_id: str, payload: GrantIn) -> Status:
    person = selectors.require_person(request.user)
    enterprise = selectors.enterprise_of_legal_rep(person=person, enterprise_id=enterprise_id)
    grant = agents.grant_agent(
        actor=person, enterprise=enterprise, **payload.model_dump(), source_ip=client_ip(request)
    )
    return Status(201, GrantOut.of(grant))


@router.delete(
    "/enterprises/{enterprise_id}/grants/{grant_id}",
    auth=session_auth,
    response={200: GrantOut, **ERRORS},
    summary="撤销授权",
    description="立即撤销；经办人的下一个请求起不能再代表本法人。",
)
def delete_grant(request: HttpRequest, enterprise_id: str, grant_id: str) -> GrantOut:
    person = selectors.require_person(request.user)
    enterprise = selectors.enterprise_of_legal_rep(person=person, enterprise_id=enterprise_id)
    grant = selectors.grant_of(person=person, enterprise=enterprise, grant_id=grant_id)
    return GrantOut.of(agents.revoke_grant(actor=person, grant=grant, source_ip=client_ip(request)))


@router.get(
    "/principals",
    auth=account_auth,
    response={200: list[PrincipalOut], **ERRORS},
    summary="可选办事身份",
    description="本人、担任法定代表人或被授权的法人、监护的未成年人。",
)
def principals(request: HttpRequest) -> list[PrincipalOut]:
    person = selectors.require_person(request.user)
    current = agents.current_principal(request)
    return [
        PrincipalOut(
            kind=p.kind,
            id=p.public_id,
            name=p.name,
            current=(p.kind, p.public_id) == (current.kind, current.public_id),
        )
        for p in agents.principals_of(person)
    ]


@router.post(
    "/act-as",
    auth=session_auth,
    response={200: PrincipalOut, **ERRORS},
    summary="切换办事身份",
    description="之后的操作以所选身份办理，审计记录同时记下操作人和被代表的主体。",
)
def act_as(request: HttpRequest, payload: ActAsIn) -> PrincipalOut:
    p = agents.act_as(request=request, kind=payload.kind, public_id=payload.id)
    return PrincipalOut(kind=p.kind, id=p.public_id, name=p.name, current=True)
