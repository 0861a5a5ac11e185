"""Pages: registration, the account page, enterprises and grants, act-as, the in-person check workbench.

Thin views: parse the form, call one service or selector, render. A ``DomainError`` re-renders the
form with its Chinese message and the error's status (nothing was changed by the service).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zwfw.core.errors import DomainError, ValidationFailed
from zwfw.core.masking import mask_mobile, mask_resident_id
from zwfw.core.pages import error_page, status_page
from zwfw.identity import accounts, agents, selectors, sessions
from zwfw.identity.models import DocumentType, StaffRole
from zwfw.identity.staff import has_role


def login_url() -> str:
    return reverse("identity:login")  # zwfw.identity.views.authn


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            "INVALID_DATE", _("日期格式应为 YYYY-MM-DD"), details={"field": field}
        ) from None


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------

REGISTER_FIELDS = ("name", "document_type", "document_number", "document_valid_until", "mobile", "email")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """自然人注册. The form posts twice: "获取验证码" (action=send_code) and "注册" (action=register)."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("identity:account"))
    form = {k: request.POST.get(k, "") for k in REGISTER_FIELDS}
    form["long_term"] = request.POST.get("long_term") == "on"
    context: dict[str, Any] = {"form": form, "document_types": DocumentType.choices}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send_code":
                accounts.send_register_code(mobile=form["mobile"], source_ip=sessions.client_ip(request))
                context["code_sent"] = True
            else:
                person = accounts.register_person(
                    name=form["name"],
                    document_type=form["document_type"],
                    document_number=form["document_number"],
                    document_valid_until=None
                    if form["long_term"]
                    else _required_date(form["document_valid_until"]),
                    mobile=form["mobile"],
                    code=request.POST.get("code", ""),
                    password=request.POST.get("password", ""),
                    email=form["email"],
                    accepted_terms=request.POST.get("accepted_terms") == "on",
                    source_ip=sessions.client_ip(request),
                )
                # The password was chosen and the mobile proven just now: two factors.
                sessions.sign_in(request, person.user, methods=["pwd", "sms"])
                return HttpResponseRedirect(reverse("identity:account") + "?registered=1")
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    return render(request, "identity/register.html", context, status=status)


def _required_date(value: str) -> dt.date:
    day = _date(value, "document_valid_until")
    if day is None:
        raise ValidationFailed(
            "VALID_UNTIL_REQUIRED",
            _("请填写证件有效期截止日期，或勾选“长期”"),
            details={"field": "document_valid_until"},
        )
    return day


# ---------------------------------------------------------------------------------------------
# Account page
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(request.user)
    context: dict[str, Any] = {
        "person": person,
        "staff": getattr(request.user, "staff", None) if person is None else None,
        "session_level": sessions.session_level(request),
        "registered": request.GET.get("registered") == "1",
        "document_types": DocumentType.choices,
        "is_window_clerk": has_role(request.user, StaffRole.WINDOW_CLERK),
    }
    status = 200
    if person is not None:
        if request.method == "POST":
            try:
                if request.POST.get("action") == "email":
                    accounts.update_profile(
                        person=person,
                        email=request.POST.get("email", ""),
                        source_ip=sessions.client_ip(request),
                    )
                    return HttpResponseRedirect(reverse("identity:account") + "?saved=1")
                if request.POST.get("action") == "ward":
                    agents.link_ward(
                        guardian=person,
                        ward_document_type=request.POST.get("document_type", ""),
                        ward_document_number=request.POST.get("document_number", ""),
                        ward_name=request.POST.get("name", ""),
                        source_ip=sessions.client_ip(request),
                    )
                    return HttpResponseRedirect(reverse("identity:account") + "#wards")
            except DomainError as exc:
                context["error"] = exc
                status = exc.status
            person.refresh_from_db()
        context.update(
            levels=accounts.level_history(person=person),
            enterprises=list(selectors.enterprises_represented_by(person)),
            grants=list(selectors.grants_to(person)),
            wards=list(selectors.wards_of(person)),
            saved=request.GET.get("saved") == "1",
            masked_document=mask_resident_id(person.document_number),
            masked_mobile=mask_mobile(person.mobile),
        )
    return render(request, "identity/account.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Enterprises and grants
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_register(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(request.user)
    if person is None:
        return status_page(request, 403, _("工作人员账号不能注册法人"))
    context: dict[str, Any] = {"person": person, "credit_code": request.POST.get("credit_code", "")}
    status = 200
    if request.method == "POST":
        try:
            enterprise = accounts.register_enterprise(
                person=person, credit_code=context["credit_code"], source_ip=sessions.client_ip(request)
            )
            return HttpResponseRedirect(reverse("identity:grants", args=[enterprise.public_id]))
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    return render(request, "identity/enterprise_register.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def grants(request: HttpRequest, enterprise_id: str) -> HttpResponse:
    try:
        person = selectors.require_person(request.user)
        enterprise = selectors.enterprise_of_legal_rep(person=person, enterprise_id=enterprise_id)
    except DomainError as exc:
        return error_page(request, exc)
    form = {
        k: request.POST.get(k, "")
        for k in ("agent_name", "agent_document_type", "agent_document_number", "valid_until", "item_codes")
    }
    form["all_items"] = request.POST.get("all_items") == "on"
    context: dict[str, Any] = {"enterprise": enterprise, "form": form, "document_types": DocumentType.choices}
    status = 200
    if request.method == "POST":
        try:
            until = _date(form["valid_until"], "valid_until")
            if until is None:
                raise ValidationFailed(
                    "INVALID_GRANT_PERIOD", _("请填写授权有效期"), details={"field": "valid_until"}
                )
            agents.grant_agent(
                actor=person,
                enterprise=enterprise,
                agent_name=form["agent_name"],
                agent_document_type=form["agent_document_type"],
                agent_document_number=form["agent_document_number"],
                all_items=form["all_items"],
                item_codes=form["item_codes"].replace("，", ",").replace("\n", ",").split(","),
                valid_until=until,
                source_ip=sessions.client_ip(request),
            )
            return HttpResponseRedirect(
                reverse("identity:grants", args=[enterprise.public_id]) + "?granted=1"
            )
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    context["grants"] = [
        (g, agents.grant_status(g)) for g in selectors.grants_of(person=person, enterprise=enterprise)
    ]
    context["granted"] = request.GET.get("granted") == "1"
    return render(request, "identity/grants.html", context, status=status)


@require_POST
@login_required
def revoke_grant(request: HttpRequest, enterprise_id: str, grant_id: str) -> HttpResponse:
    try:
        person = selectors.require_person(request.user)
        enterprise = selectors.enterprise_of_legal_rep(person=person, enterprise_id=enterprise_id)
        grant = selectors.grant_of(person=person, enterprise=enterprise, grant_id=grant_id)
        agents.revoke_grant(actor=person, grant=grant, source_ip=sessions.client_ip(request))
    except DomainError as exc:
        return error_page(request, exc)
    return HttpResponseRedirect(reverse("identity:grants", args=[enterprise.public_id]))


@require_POST
@login_required
def act_as(request: HttpRequest) -> HttpResponse:
    """Switch whom one acts for (the account bar's switcher posts here), then go back."""
    kind, _sep, public_id = request.POST.get("principal", "").partition(":")
    try:
        agents.act_as(request=request, kind=kind, public_id=public_id)
    except DomainError as exc:
        return error_page(request, exc)
    return HttpResponseRedirect(_safe_next(request, reverse("identity:account")))


# ---------------------------------------------------------------------------------------------
# Workbench: in-person check (实人核验) by a window clerk
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def workbench_in_person_check(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, StaffRole.WINDOW_CLERK):
        return status_page(request, 403, _("只有窗口受理人员可以使用此功能"))
    params = request.POST if request.method == "POST" else request.GET
    context: dict[str, Any] = {
        "document_types": DocumentType.choices,
        "document_type": params.get("document_type", DocumentType.RESIDENT_ID),
        "document_number": params.get("document_number", ""),
    }
    status = 200
    try:
        if request.method == "POST":
            person = accounts.record_in_person_check(
                clerk=request.user,
                person_public_id=request.POST.get("person", ""),
                note=request.POST.get("note", ""),
                source_ip=sessions.client_ip(request),
            )
            context["recorded"] = True
            context["found"] = person
        elif context["document_number"]:
            context["found"] = accounts.find_person_for_check(
                clerk=request.user,
                document_type=context["document_type"],
                document_number=context["document_number"],
            )
    except DomainError as exc:
        context["error"] = exc
        status = exc.status
    return render(request, "identity/workbench_in_person_check.html", context, status=status)


urlpatterns = [
    path("", account, name="account"),
    path("register/", register, name="register"),
    path("enterprise/register/", enterprise_register, name="enterprise_register"),
    path("enterprise/<str:enterprise_id>/grants/", grants, name="grants"),
    path("enterprise/<str:enterprise_id>/grants/<str:grant_id>/revoke/", revoke_grant, name="revoke_grant"),
    path("act-as/", act_as, name="act_as"),
    path("workbench/in-person-check/", workbench_in_person_check, name="workbench_in_person_check"),
]
