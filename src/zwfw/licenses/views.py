"""Pages of 统一电子证照 (under /licenses/).

- 我的证照 (wallet, detail with 用证授权 and 用证记录) and 亮证 for the signed-in person, for whom
  they act for now;
- the public verification pages: a scanned 亮证码 (/licenses/v/<token>/) and a check by identifier
  and holder code (/licenses/verify/), both rate-limited per source address;
- the workbench of issuing staff: issue a licence, suspend or revoke the department's licences.

Thin views: parse the form, call one service or look-up, render. A ``DomainError`` re-renders the
page with its Chinese message and the error's status (the service changed nothing).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zwfw.core.errors import DomainError, ValidationFailed
from zwfw.core.masking import mask_name
from zwfw.core.pages import error_page
from zwfw.identity.models import DocumentType
from zwfw.licenses import credentials, rendering, selectors, services, showing, web
from zwfw.licenses.models import HolderKind, License, LicenseStatus
from zwfw.seals.verification import MAX_PDF_BYTES

app_name = "licenses"

# Buttons the workbench offers for a licence in each status (the services decide what is allowed).
WORKBENCH_ACTIONS = {status: services.allowed_actions(status) for status in (LicenseStatus.VALID, LicenseStatus.SUSPENDED)}
HOLDER_KEYS = ("holder_name", "holder_id")  # filled from the holder's verified identity


def _public(response: HttpResponse, *, referrer: str = "no-referrer") -> HttpResponse:
    """Verification answers are not cached, not indexed, and a token never leaves in a Referer.
    (A page with a POST form needs ``same-origin``: without a Referer Chromium sends ``Origin: null``,
    which the CSRF check refuses.)"""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _row(license: License) -> dict[str, Any]:
    status = services.current_status_of(license)
    return {"license": license, "status": status, "word": web.STATUS_WORDS[LicenseStatus(status)]}


def _end_of_day(value: str, field: str) -> dt.datetime:
    """A grant runs to the end of its last day, Asia/Shanghai."""
    try:
        day = dt.date.fromisoformat(value)
        end = day + dt.timedelta(days=1)
    except (ValueError, OverflowError):  # not a date, or 9999-12-31 (no next day)
        raise ValidationFailed("INVALID_DATE", _("日期格式应为 YYYY-MM-DD"), details={"field": field}) from None
    return dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_default_timezone())


# --- the wallet ------------------------------------------------------------------------------------


@require_safe
@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    try:
        owner = web.wallet_owner(request)
    except DomainError as exc:
        return error_page(request, exc)
    rows = [_row(license) for license in web.wallet(owner)]
    return render(request, "licenses/wallet.html", {"owner": owner, "rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    try:
        owner = web.wallet_owner(request)
        license = web.wallet_license(owner, identifier)
    except DomainError as exc:
        return error_page(request, exc)
    today = timezone.localdate()
    form = {
        "department_code": request.POST.get("department_code", ""),
        "purpose": request.POST.get("purpose", ""),
        "valid_until": request.POST.get("valid_until", (today + dt.timedelta(days=30)).isoformat()),
    }
    context: dict[str, Any] = {"owner": owner, "form": form}
    status = 200
    if request.method == "POST":
        try:
            services.authorise_use(
                person=owner.person, license=license, department=web.active_department(form["department_code"]),
                purpose=form["purpose"], valid_until=_end_of_day(form["valid_until"], "valid_until"),
            )
            return HttpResponseRedirect(reverse("licenses:detail", args=[license.identifier]) + "?granted=1#grants")
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    now = timezone.now()
    context.update(
        _row(license),
        surface=web.surface_rows(license),
        events=[(event, web.ACTION_WORDS.get(event.action, event.action)) for event in license.events.all()],
        grants=[(grant, web.grant_state(grant, now)) for grant in selectors.grants_of(license)],
        uses=[(use, web.CHANNEL_WORDS.get(use.channel, use.channel)) for use in selectors.uses_of(license)[:200]],
        departments=web.active_departments(),
        min_until=today.isoformat(),
        max_until=(today + dt.timedelta(days=services.MAX_GRANT_DAYS - 1)).isoformat(),
        granted=request.GET.get("granted") == "1",
    )
    return render(request, "licenses/detail.html", context, status=status)


@require_safe
@login_required
def download(request: HttpRequest, identifier: str) -> HttpResponse:
    """The signed licence file (PDF), made on first download."""
    try:
        license = web.wallet_license(web.wallet_owner(request), identifier)
        made = rendering.license_file(license, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        return error_page(request, exc)
    response = HttpResponse(bytes(made.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="license-{license.serial}-{license.version:03d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def credential(request: HttpRequest, identifier: str) -> HttpResponse:
    """The licence as a W3C Verifiable Credential (vc+jwt) for a standard credential wallet."""
    try:
        license = web.wallet_license(web.wallet_owner(request), identifier)
        token = credentials.export_credential(license, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        return error_page(request, exc)
    response = HttpResponse(token, content_type=credentials.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="license-{license.serial}-{license.version:03d}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def revoke_grant(request: HttpRequest, identifier: str, grant_id: str) -> HttpResponse:
    try:
        owner = web.wallet_owner(request)
        grant = web.grant_of(web.wallet_license(owner, identifier), grant_id)
        services.revoke_use_grant(person=owner.person, grant=grant)
    except DomainError as exc:
        return error_page(request, exc)
    return HttpResponseRedirect(reverse("licenses:detail", args=[grant.license.identifier]) + "#grants")


@require_safe
@login_required
def show(request: HttpRequest, identifier: str) -> HttpResponse:
    """亮证: tick the fields to show, get a QR code of a short-lived token (refreshed by show.js)."""
    try:
        owner = web.wallet_owner(request)
        license = web.wallet_license(owner, identifier)
    except DomainError as exc:
        return error_page(request, exc)
    context: dict[str, Any] = {"owner": owner, **_row(license), "fields": web.showable_fields(license)}
    status = 200
    chosen = request.GET.getlist("fields") if request.GET.get("chosen") == "1" else web.default_fields(license)
    try:
        web.throttle(request, scope="show-make", per_minute=web.TOKENS_MADE_PER_MINUTE)
        if not chosen:
            chosen = web.default_fields(license)
            raise ValidationFailed("LICENSE_FIELDS_REQUIRED", _("请至少选择一项要展示的信息"), details={"field": "fields"})
        code = web.show_code(request, license, chosen)
        context["code"] = code
        context["refresh_url"] = (
            reverse("api:show_token", args=[license.identifier]) + "?" + urlencode({"fields": code.fields}, doseq=True)
        )
    except DomainError as exc:
        context["error"] = exc
        status = exc.status
    context["chosen"] = set(chosen)
    context["max_seconds"] = showing.MAX_SECONDS
    return render(request, "licenses/show.html", context, status=status)


# --- public verification ---------------------------------------------------------------------------


@require_safe
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """The page a scanned 亮证码 opens: status, type, issuer, validity and only the disclosed fields."""
    context: dict[str, Any] = {}
    status = 200
    try:
        web.throttle(request, scope="show", per_minute=web.TOKEN_CHECKS_PER_MINUTE)
        context["shown"] = shown = web.read_shown(token)
        context["word"] = web.STATUS_WORDS[LicenseStatus(shown.status)]
        context["checked_at"] = timezone.now()
    except showing.TokenRefused as exc:
        context["expired"] = exc.code == "LICENSE_TOKEN_EXPIRED"
        context["error"] = exc
        status = 410 if context["expired"] else 400
    except DomainError as exc:
        context["error"] = exc
        status = exc.status
    # a Jinja2 template (zwfw.portal.jinja): every verifier's scan renders it
    return _public(render(request, "licenses/verified.html", context, status=status, using="jinja2"))


@csrf_exempt  # checked by _verify, after the rate limit: the CSRF check reads the body, the whole upload
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """核验: identifier plus the holder's ID number or credit code, or an uploaded licence file;
    validity only. The QR code on a licence file opens this page with the identifier filled in.

    A check is rate-limited before anything of its body is read (an upload is up to 20 MB)."""
    if request.method == "POST":
        try:
            web.throttle(request, scope="verify", per_minute=web.PUBLIC_CHECKS_PER_MINUTE)
        except DomainError as exc:
            context = {"form": {"identifier": request.GET.get("identifier", "").strip()[:120]}, "error": exc}
            page = render(request, "licenses/verify.html", context, status=exc.status)
            return _public(page, referrer="same-origin")
    return _verify(request)


@csrf_protect
def _verify(request: HttpRequest) -> HttpResponse:
    form = {"identifier": (request.POST.get("identifier") or request.GET.get("identifier", "")).strip()[:120]}
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                if (upload.size or 0) > MAX_PDF_BYTES:
                    raise ValidationFailed("PDF_TOO_LARGE", "PDF文件不能超过20MB", details={"field": "file"})
                context["pdf_check"] = web.check_by_pdf(upload.read())
            else:
                check = web.check_by_holder_code(
                    identifier=form["identifier"], holder_code=request.POST.get("holder_code", "")
                )
                context["check"] = check
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    return _public(render(request, "licenses/verify.html", context, status=status), referrer="same-origin")


# --- workbench: issuing staff ----------------------------------------------------------------------


def _workbench(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    department = context["department"]
    types = web.types_issued_by(department)
    code = request.POST.get("type_code") or request.GET.get("type") or ""
    selected = next((item for item in types if item.code == code), None)
    issued = selectors.licenses_issued_by(request.user).order_by("-issued_at", "-id")[:50]
    context.update(
        department=department,
        types=types,
        selected=selected,
        is_enterprise=selected is not None and selected.holder_kind == HolderKind.ENTERPRISE,
        type_fields=[field for field in selected.fields if field["key"] not in HOLDER_KEYS] if selected else [],
        document_types=DocumentType.choices,
        issued=[{**_row(item), "holder": mask_name(item.holder_name)} for item in issued],
        actions=WORKBENCH_ACTIONS,
        issued_now=request.GET.get("issued", "")[:120],
        changed_now=request.GET.get("changed", "")[:120],
    )
    context.setdefault("values", {})
    context.setdefault("form", {"holder_document_type": DocumentType.RESIDENT_ID})
    context.setdefault("idempotency_key", uuid.uuid4().hex)
    return render(request, "licenses/workbench_issue.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def workbench_issue(request: HttpRequest) -> HttpResponse:
    try:
        department = web.issuing_department(request.user)
    except DomainError as exc:
        return error_page(request, exc)
    context: dict[str, Any] = {"department": department}
    if request.method != "POST":
        return _workbench(request, context)
    form = {key: request.POST.get(key, "").strip() for key in (
        "type_code", "holder_document_type", "holder_document_number", "holder_credit_code", "valid_from"
    )}
    values = {
        name.removeprefix("f_"): str(request.POST.get(name, "")).strip()
        for name in request.POST
        if name.startswith("f_") and str(request.POST.get(name, "")).strip()
    }
    key = request.POST.get("idempotency_key", "")[:80]
    context.update(form=form, values=values, idempotency_key=key)
    try:
        license_type = selectors.license_type_by_code(form["type_code"])
        enterprise = license_type.holder_kind == HolderKind.ENTERPRISE
        issuer = services.Issuer(user=request.user)
        holder = services.look_up_holder(
            issuer=issuer, department=department, document_type=form["holder_document_type"],
            document_number="" if enterprise else form["holder_document_number"],
            credit_code=form["holder_credit_code"] if enterprise else "",
        )
        license = services.issue_license(
            issuer=issuer, license_type=license_type, department=department, holder=holder,
            surface=values, valid_from=_date(form["valid_from"]), idempotency_key=key,
        )
    except DomainError as exc:
        context["error"] = exc
        return _workbench(request, context, exc.status)
    return HttpResponseRedirect(reverse("licenses:workbench_issue") + "?" + urlencode({"issued": license.identifier}))


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("INVALID_DATE", _("有效期起的格式应为 YYYY-MM-DD"), details={"field": "valid_from"}) from None


@require_POST
@login_required
def workbench_status(request: HttpRequest, identifier: str) -> HttpResponse:
    try:
        department = web.issuing_department(request.user)
        license = web.issued_license(request.user, identifier)
    except DomainError as exc:
        return error_page(request, exc)
    try:
        services.change_status(
            issuer=services.Issuer(user=request.user), license=license, action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return _workbench(request, {"department": department, "error": exc}, exc.status)
    return HttpResponseRedirect(reverse("licenses:workbench_issue") + "?" + urlencode({"changed": license.identifier}) + "#issued")


urlpatterns = [
    path("wallet/", wallet, name="wallet"),
    path("wallet/<str:identifier>/", detail, name="detail"),
    path("wallet/<str:identifier>/show/", show, name="show"),
    path("wallet/<str:identifier>/file.pdf", download, name="download"),
    path("wallet/<str:identifier>/credential.jwt", credential, name="credential"),
    path("wallet/<str:identifier>/grants/<str:grant_id>/revoke/", revoke_grant, name="revoke_grant"),
    path("v/<str:token>/", verify_token, name="verify_token"),
    path("verify/", verify, name="verify"),
    path("workbench/issue/", workbench_issue, name="workbench_issue"),
    path("workbench/<str:identifier>/status/", workbench_status, name="workbench_status"),
]
