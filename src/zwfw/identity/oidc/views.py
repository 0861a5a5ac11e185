"""The provider's own views on top of django-oauth-toolkit's: authorize (consent, step-up, acr),
discovery (zwfw's claims and acr values), RP-initiated logout (ends the zwfw session).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import (
    AuthorizationView,
    ConnectDiscoveryInfoView,
    OAuthServerMetadataView,
    RPInitiatedLogoutView,
    TokenView,
)
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error, InvalidRequestError

from zwfw.identity import sessions
from zwfw.identity.models import AssuranceLevel
from zwfw.identity.oidc import backchannel
from zwfw.identity.oidc import consent as consents
from zwfw.identity.oidc.claims import IDCARD_MIN_LEVEL, AuthContext

STEP_UP_FALLBACK_PATH = "/account/step-up/"


def _required_acr(raw: str | None) -> int | None:
    """The lowest level among ``acr_values`` (OIDC Core §3.1.2.1: any listed value is acceptable)."""
    levels = []
    for value in (raw or "").split():
        try:
            levels.append(int(value))
        except ValueError:
            continue
    return min(levels) if levels else None


def _step_up_url(next_url: str) -> str:
    try:
        base = reverse("identity:step_up")
    except NoReverseMatch:
        base = STEP_UP_FALLBACK_PATH
    return f"{base}?next={quote(next_url, safe='')}"


def _principal(request: Any) -> dict | None:
    """Whom the user acts for right now, validated by the accounts module when it is there."""
    try:
        from zwfw.identity.agents import current_principal
    except ImportError:
        raw = sessions.acting_for(request)
        return dict(raw) if isinstance(raw, dict) else None
    principal = current_principal(request)
    if principal is None or getattr(principal, "kind", "self") == "self":
        return None
    return {"kind": principal.kind, "public_id": str(principal.public_id), "name": principal.name}


class AuthorizeView(AuthorizationView):
    """Authorization endpoint: PKCE S256 only, acr/step-up, idcard level, consent per scope."""

    template_name = "identity/authorize.html"

    # --- checks shared by GET and POST --------------------------------------------------------

    def _oauth_error(self, error: str, description: str, credentials: dict, application: Any) -> HttpResponse:
        exc = OAuthToolkitError(
            error=CustomOAuth2Error(error=error, description=description, state=credentials.get("state")),
            redirect_uri=credentials.get("redirect_uri"),
        )
        return self.error_response(exc, application)

    def _gate(self, credentials: dict, application: Any, acr_values: str | None) -> HttpResponse | None:
        # RFC 9700 §2.1.1: PKCE with S256; "plain" and a missing challenge are refused up front.
        if credentials.get("code_challenge_method") != "S256" or not credentials.get("code_challenge"):
            exc = OAuthToolkitError(
                error=InvalidRequestError(
                    description="PKCE with code_challenge_method=S256 is required.",
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials.get("redirect_uri"),
            )
            return self.error_response(exc, application)
        required = _required_acr(acr_values)
        if required is not None:
            if sessions.account_level(self.request.user) < required:
                # OpenID Connect Core Unmet Authentication Requirements 1.0 §4.
                return self._oauth_error(
                    "unmet_authentication_requirements",
                    "The account's assurance level is below the requested acr.",
                    credentials,
                    application,
                )
            if sessions.session_level(self.request) < required:
                return HttpResponseRedirect(_step_up_url(self._authorize_url()))
        return None

    def _authorize_url(self) -> str:
        return self.request.get_full_path()

    def _allowed_scopes(self, scopes: list[str]) -> list[str]:
        # idcard needs an account at level >= 3; below that it is simply not granted.
        if "idcard" in scopes and sessions.account_level(self.request.user) < IDCARD_MIN_LEVEL:
            return [s for s in scopes if s != "idcard"]
        return list(scopes)

    def _context(self) -> dict:
        request = self.request
        auth_time = sessions.auth_time(request)
        if auth_time is None:
            last_login = request.user.last_login
            auth_time = int(last_login.timestamp()) if last_login else int(time.time())
        return AuthContext(
            acr=sessions.session_level(request),
            amr=sessions.session_methods(request),
            auth_time=auth_time,
            acting_for=_principal(request),
        ).as_dict()

    def _issue(self, scopes: list[str], credentials: dict, application: Any) -> HttpResponse:
        credentials = {**credentials, "zwfw_context": self._context()}
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def dispatch(self, request, *args, **kwargs):
        # OIDC Core §3.1.2.1: prompt=none never shows a page; nobody signed in is login_required.
        if not request.user.is_authenticated and "none" in request.GET.get("prompt", "").split():
            self.oauth2_data = {}
            try:
                _scopes, credentials = self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                return self.error_response(error, application=None)
            application = get_application_model().objects.get(client_id=credentials["client_id"])
            return self._oauth_error(
                "login_required", "The End-User is not signed in.", credentials, application
            )
        return super().dispatch(request, *args, **kwargs)

    # --- GET: validate, step up if needed, skip the screen when consent covers the scopes ------

    def get(self, request, *args, **kwargs):
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        prompt = set(request.GET.get("prompt", "").split())
        if "login" in prompt or self._too_old(request.GET.get("max_age")):
            return self.handle_prompt_login()
        blocked = self._gate(credentials, application, request.GET.get("acr_values"))
        if blocked is not None:
            return blocked
        scopes = self._allowed_scopes(scopes)
        existing = consents.live_consent(user=request.user, application=application)
        if consents.covers(existing, scopes) and "consent" not in prompt:
            if isinstance(credentials.get("ui_locales"), list):
                credentials["ui_locales"] = " ".join(credentials["ui_locales"])
            return self._issue(scopes, credentials, application)
        if "none" in prompt:
            return self._oauth_error(
                "consent_required", "The End-User has not consented.", credentials, application
            )
        all_scopes = get_scopes_backend().get_all_scopes()
        new_scopes = [s for s in scopes if existing is None or s not in existing.scopes]
        self.oauth2_data = {
            **credentials,
            "scopes": scopes,
            "application": application,
        }
        if "claims" in credentials:
            self.oauth2_data["claims"] = json.dumps(credentials["claims"])
        form = self.get_form(self.get_form_class())
        context = self.get_context_data(
            form=form,
            application=application,
            scopes=scopes,
            scope_items=[(s, all_scopes.get(s, s), s in new_scopes) for s in scopes],
            idcard_requested="idcard" in scopes,
            acr_values=request.GET.get("acr_values", ""),
        )
        return self.render_to_response(context)

    def _too_old(self, max_age: str | None) -> bool:
        """OIDC Core §3.1.2.1 max_age: the sign-in is older than the client accepts."""
        if max_age is None:
            return False
        try:
            limit = int(max_age)
        except ValueError:
            return False
        signed_in_at = sessions.auth_time(self.request)
        return limit < 0 or signed_in_at is None or time.time() - signed_in_at > limit

    def handle_prompt_login(self):
        # prompt=login or an expired max_age: the person must really sign in again, so the current
        # session ends first (the login page sends a signed-in visitor straight back otherwise).
        sessions.sign_out(self.request, reason="reauthenticate")
        query = self.request.GET.copy()
        query.pop("prompt", None)  # once signed in again, the request goes on as usual
        next_url = f"{self.request.path}?{query.urlencode()}"
        return redirect_to_login(next_url, resolve_url(self.get_login_url()), self.get_redirect_field_name())

    # --- POST: the consent form ---------------------------------------------------------------

    def form_valid(self, form):
        client_id = form.cleaned_data["client_id"]
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None or not application.redirect_uri_allowed(form.cleaned_data.get("redirect_uri")):
            # Never redirect to a URI the client did not register (RFC 6749 §4.1.2.1).
            return self.render_to_response(
                {"error": {"error": "invalid_request", "description": "Invalid client or redirect URI."}},
                status=400,
            )
        credentials = {
            "client_id": client_id,
            "redirect_uri": form.cleaned_data.get("redirect_uri"),
            "response_type": form.cleaned_data.get("response_type"),
            "state": form.cleaned_data.get("state"),
            "code_challenge": form.cleaned_data.get("code_challenge"),
            "code_challenge_method": form.cleaned_data.get("code_challenge_method"),
        }
        if form.cleaned_data.get("nonce"):
            credentials["nonce"] = form.cleaned_data["nonce"]
        if form.cleaned_data.get("claims"):
            credentials["claims"] = form.cleaned_data["claims"]
        # The hidden fields come back from the browser: the same gate as the GET runs again, and
        # DOT/oauthlib re-validate client, redirect URI and scopes in create_authorization_response.
        blocked = self._gate(credentials, application, self.request.POST.get("acr_values"))
        if blocked is not None:
            return blocked
        scopes = self._allowed_scopes(form.cleaned_data.get("scope", "").split())
        if not form.cleaned_data.get("allow"):
            try:
                self.create_authorization_response(
                    request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=False
                )
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            return self._oauth_error(
                "access_denied", "The End-User denied the request.", credentials, application
            )
        available = set(
            get_scopes_backend().get_available_scopes(application=application, request=self.request)
        )
        if not set(scopes) <= available:
            return self._oauth_error("invalid_scope", "Unknown scope.", credentials, application)
        consents.grant_consent(
            user=self.request.user,
            application=application,
            scopes=scopes,
            source_ip=sessions.client_ip(self.request),
        )
        return self._issue(scopes, credentials, application)


class DiscoveryView(ConnectDiscoveryInfoView):
    """OpenID Provider Metadata (OIDC Discovery 1.0 §3) plus zwfw's acr values and endpoints."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["acr_values_supported"] = [str(level) for level in AssuranceLevel.values]
        data["claims_parameter_supported"] = False
        data["grant_types_supported"] = ["authorization_code", "refresh_token", "client_credentials"]
        data["revocation_endpoint"] = request.build_absolute_uri(reverse("oauth2_provider:revoke-token"))
        data["introspection_endpoint"] = request.build_absolute_uri(reverse("oauth2_provider:introspect"))
        data["id_token_signing_alg_values_supported"] = ["RS256"]
        data["code_challenge_methods_supported"] = ["S256"]
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = False
        out = JsonResponse(data)
        for header in ("Access-Control-Allow-Origin", "Cache-Control"):
            if header in response:
                out[header] = response[header]
        return out


class ServerMetadataView(OAuthServerMetadataView):
    """RFC 8414 metadata, stating only the grants this provider allows (no device flow)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = json.loads(response.content)
        data["grant_types_supported"] = ["authorization_code", "refresh_token", "client_credentials"]
        data["code_challenge_methods_supported"] = ["S256"]
        data.pop("device_authorization_endpoint", None)
        out = JsonResponse(data)
        for header in ("Access-Control-Allow-Origin", "Cache-Control"):
            if header in response:
                out[header] = response[header]
        return out


class LogoutView(RPInitiatedLogoutView):
    """OpenID Connect RP-Initiated Logout 1.0: ends the zwfw session (recorded), then DOT's part."""

    template_name = "identity/oidc_logout.html"

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        user = self.request.user if self.request.user.is_authenticated else token_user
        if self.request.user.is_authenticated:
            sessions.sign_out(self.request, reason="rp_logout")
        if user is not None:
            # Back-Channel Logout 1.0: the person's other relying parties end their sessions too.
            backchannel.notify_logout(
                issuer=oauth2_settings.oidc_issuer(self.request),
                user=user,
                source_ip=sessions.client_ip(self.request),
            )
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


class TokenEndpointView(TokenView):
    """DOT's token endpoint; the access token just issued is read back for the ``app_authorized``
    signal only when something listens to it (DOT reads it on every grant: one query per refresh)."""

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if app_authorized.has_listeners(type(self)):
            return super().authorization_flow_token_response(request, *args, **kwargs)
        _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status)
        for key, value in headers.items():
            response[key] = value
        return response
