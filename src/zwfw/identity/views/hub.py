"""Pages: sign-in through the hub (this node as the hub's relying party, see zwfw.identity.hub)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zwfw.identity import hub


def _error_page(request: HttpRequest, err: hub.HubLoginError) -> HttpResponse:
    return render(request, "identity/hub_error.html", {"error": err}, status=err.status)


@never_cache
@require_GET
def hub_login(request: HttpRequest) -> HttpResponse:
    """“使用国家政务服务平台账号登录”: off to the hub's authorization endpoint."""
    try:
        return HttpResponseRedirect(hub.start_hub_login(request, next_url=request.GET.get("next")))
    except hub.HubLoginError as err:
        return _error_page(request, err)


@never_cache
@require_GET
def hub_callback(request: HttpRequest) -> HttpResponse:
    """The hub sends the browser back here with a code (or an error)."""
    try:
        return HttpResponseRedirect(hub.complete_hub_login(request))
    except hub.HubLoginError as err:
        return _error_page(request, err)


@never_cache
@require_GET
def hub_signed_out(request: HttpRequest) -> HttpResponse:
    """post_logout_redirect_uri: the hub ended its session and sent the browser back."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    return render(request, "identity/hub_signed_out.html")


@csrf_exempt  # a server-to-server POST from the hub, authenticated by the signed logout token
@require_POST
def hub_backchannel_logout(request: HttpRequest) -> HttpResponse:
    """OpenID Connect Back-Channel Logout 1.0 §2.8: 200 when done, 400 for a token that fails."""
    response: HttpResponse
    try:
        hub.receive_backchannel_logout(logout_token=request.POST.get("logout_token", ""))
    except hub.HubLoginError as err:
        response = JsonResponse({"error": "invalid_request", "error_description": err.code}, status=400)
    else:
        response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("hub/login/", hub_login, name="hub_login"),
    path("hub/callback/", hub_callback, name="hub_callback"),
    path("hub/signed-out/", hub_signed_out, name="hub_signed_out"),
    path("hub/backchannel-logout/", hub_backchannel_logout, name="hub_backchannel_logout"),
]
