"""Pages: sign-in (password, SMS code, passkey), the second factor, sign-out, sessions, passkeys, TOTP, step-up.

Thin views: parse the form, call one service of zwfw.identity.{authn,totp,passkeys,session_admin},
render. Domain errors are shown on the page with their HTTP status; nothing here answers 500.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.settings import oauth2_settings

from zwfw.core.errors import DomainError
from zwfw.identity import authn, hub, session_admin, sessions, totp
from zwfw.identity import passkeys as passkey_service
from zwfw.identity.models import DocumentType
from zwfw.identity.oidc import backchannel

LOGIN_TABS = ("password", "sms", "passkey")


def _complete_sign_in(request: HttpRequest, user, methods: list[str], next_url: str) -> HttpResponse:
    sessions.sign_in(request, user, methods=methods)
    return HttpResponseRedirect(next_url)


# ---------------------------------------------------------------------------------------------
# Sign-in
# ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = authn.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    tab = request.POST.get("tab") or request.GET.get("tab") or "password"
    if tab not in LOGIN_TABS:
        tab = "password"
    context = {
        "tab": tab,
        "next_url": next_url,
        "document_types": DocumentType.choices,
        "identifier": "",
        "document_type": "",
        "mobile": "",
    }
    if request.method == "GET":
        if request.user.is_authenticated and request.GET.get("next"):
            return HttpResponseRedirect(next_url)
        return render(request, "identity/login.html", context)
    action = request.POST.get("action", "")
    ip = sessions.client_ip(request)
    try:
        if action == "password":
            context.update(
                identifier=request.POST.get("identifier", "")[:64],
                document_type=request.POST.get("document_type", ""),
            )
            outcome = authn.password_sign_in(
                identifier=request.POST.get("identifier", ""),
                password=request.POST.get("password", ""),
                document_type=request.POST.get("document_type", ""),
                source_ip=ip,
            )
        elif action in ("sms_send", "sms"):
            context.update(tab="sms", mobile=request.POST.get("mobile", "")[:20])
            if action == "sms_send":
                authn.request_login_code(mobile=request.POST.get("mobile", ""), source_ip=ip)
                context["notice"] = _("如该手机号已注册，验证码已发送，5分钟内有效")
                return render(request, "identity/login.html", context)
            outcome = authn.code_sign_in(
                mobile=request.POST.get("mobile", ""), code=request.POST.get("code", ""), source_ip=ip
            )
        else:
            context["error"] = _("请选择登录方式")
            return render(request, "identity/login.html", context, status=400)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "identity/login.html", context, status=exc.status)
    if outcome.needs_second_factor:
        authn.hold_for_second_factor(request, outcome, next_url=next_url)
        return redirect("identity:login_mfa")
    return _complete_sign_in(request, outcome.user, outcome.methods, next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def login_mfa_view(request: HttpRequest) -> HttpResponse:
    pending = authn.pending_second_factor(request)
    if pending is None:
        return redirect("identity:login")
    user, used, next_url = pending
    options = authn.second_factors(user, used)
    context = {"options": options, "method": options[0] if options else "", "next_url": next_url}
    if request.method == "GET":
        return render(request, "identity/login_mfa.html", context)
    action = request.POST.get("action", "")
    ip = sessions.client_ip(request)
    try:
        if action == "sms_send":
            context["method"] = "sms"
            authn.send_second_factor_code(user=user, used=used, source_ip=ip)
            context["notice"] = _("验证码已发送至您登记的手机，5分钟内有效")
            return render(request, "identity/login_mfa.html", context)
        method = request.POST.get("method", "")
        context["method"] = method
        methods = authn.verify_second_factor(
            user=user, used=used, method=method, code=request.POST.get("code", ""), source_ip=ip
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "identity/login_mfa.html", context, status=exc.status)
    authn.drop_pending(request)
    return _complete_sign_in(request, user, methods, next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST signs out (a sign-out link in an e-mail or image cannot end a session)."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("identity:login")
        return render(request, "identity/logout.html")
    if request.user.is_authenticated:
        hub_url = hub.hub_logout_url(request)  # a session from the hub ends there too (RP-Initiated Logout)
        user = request.user
        sessions.sign_out(request, reason="logout")
        # Back-Channel Logout 1.0: relying parties this person signed in to through us end their sessions.
        backchannel.notify_logout(
            issuer=oauth2_settings.oidc_issuer(request), user=user, source_ip=sessions.client_ip(request)
        )
        if hub_url:
            return HttpResponseRedirect(hub_url)
    return redirect(authn.safe_next(request, request.POST.get("next"), default="/"))


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def sessions_view(request: HttpRequest) -> HttpResponse:
    rows = session_admin.sessions_of(user=request.user, current_key=request.session.session_key)
    return render(request, "identity/sessions.html", {"account_sessions": rows})


@login_required
@require_POST
def session_revoke_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        row = session_admin.revoke_session(
            user=request.user, public_id=public_id, source_ip=sessions.client_ip(request)
        )
    except DomainError as exc:
        rows = session_admin.sessions_of(user=request.user, current_key=request.session.session_key)
        return render(
            request,
            "identity/sessions.html",
            {"account_sessions": rows, "error": exc.message},
            status=exc.status,
        )
    if row.session_key == request.session.session_key:
        # The current session was deleted from the store: finish signing out this browser.
        sessions.sign_out(request, reason="revoked")
        return redirect("identity:login")
    return redirect("identity:sessions")


# ---------------------------------------------------------------------------------------------
# Passkeys (registration itself runs in the browser: static/identity/passkeys.js and the JSON API)
# ---------------------------------------------------------------------------------------------


def _passkeys_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "identity/passkeys.html",
        {"passkeys": passkey_service.passkeys_of(user=request.user), "error": error},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def passkeys_view(request: HttpRequest) -> HttpResponse:
    return _passkeys_page(request)


@login_required
@require_POST
def passkey_rename_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        passkey_service.rename(
            user=request.user,
            public_id=public_id,
            name=request.POST.get("name", ""),
            source_ip=sessions.client_ip(request),
        )
    except DomainError as exc:
        return _passkeys_page(request, error=exc.message, status=exc.status)
    return redirect("identity:passkeys")


@login_required
@require_POST
def passkey_remove_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        passkey_service.remove(user=request.user, public_id=public_id, source_ip=sessions.client_ip(request))
    except DomainError as exc:
        return _passkeys_page(request, error=exc.message, status=exc.status)
    return redirect("identity:passkeys")


# ---------------------------------------------------------------------------------------------
# TOTP
# ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    ip = sessions.client_ip(request)
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("begin", "confirm"):
                authn.require_account_level(request)
            if action == "begin":
                totp.begin_enrollment(user=user)
            elif action == "confirm":
                totp.confirm_enrollment(user=user, code=request.POST.get("code", ""), source_ip=ip)
            elif action == "remove":
                totp.remove(user=user, password=request.POST.get("password", ""), source_ip=ip)
            else:
                raise DomainError("INVALID_ACTION", _("不支持的操作"))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect("identity:totp")
    context = {
        "enabled": totp.has_totp(user),
        "pending": totp.pending_enrollment(user=user),
        "error": error,
        "staff": authn.is_staff_user(user),
    }
    return render(request, "identity/totp.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Step-up
# ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def step_up_view(request: HttpRequest) -> HttpResponse:
    """Confirm the signed-in person with a second factor; the session's level rises for a while."""
    next_url = authn.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    options = authn.step_up_factors(request.user)
    code_options = [m for m in options if m != "hwk"]
    context = {
        "options": options,
        "method": request.POST.get("method") or (code_options[0] if code_options else ""),
        "next_url": next_url,
        "level": sessions.session_level(request),
    }
    if request.method == "GET":
        return render(request, "identity/step_up.html", context)
    action = request.POST.get("action", "")
    ip = sessions.client_ip(request)
    try:
        if action == "sms_send":
            context["method"] = "sms"
            authn.send_step_up_code(user=request.user, source_ip=ip)
            context["notice"] = _("验证码已发送至您登记的手机，5分钟内有效")
            return render(request, "identity/step_up.html", context)
        method = request.POST.get("method", "")
        authn.verify_step_up(
            user=request.user, method=method, code=request.POST.get("code", ""), source_ip=ip
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "identity/step_up.html", context, status=exc.status)
    sessions.step_up(request, method=method)
    return HttpResponseRedirect(next_url)


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Django admin's own sign-in form is replaced by this one, so staff give their second factor there too."""
    next_url = authn.safe_next(request, request.GET.get("next"), default=reverse("admin:index"))
    return redirect_to_login(next_url, login_url=reverse("identity:login"))


urlpatterns = [
    path("login/", login_view, name="login"),
    path("login/mfa/", login_mfa_view, name="login_mfa"),
    path("logout/", logout_view, name="logout"),
    path("sessions/", sessions_view, name="sessions"),
    path("sessions/<uuid:public_id>/revoke/", session_revoke_view, name="session_revoke"),
    path("passkeys/", passkeys_view, name="passkeys"),
    path("passkeys/<uuid:public_id>/rename/", passkey_rename_view, name="passkey_rename"),
    path("passkeys/<uuid:public_id>/remove/", passkey_remove_view, name="passkey_remove"),
    path("security/totp/", totp_view, name="totp"),
    path("step-up/", step_up_view, name="step_up"),
]
