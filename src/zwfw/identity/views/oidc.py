"""Pages: the person's consents to OpenID Connect clients (我的授权), with revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.scopes import get_scopes_backend

from zwfw.core.errors import NotFound
from zwfw.core.pages import status_page
from zwfw.identity.oidc import consent as consents
from zwfw.identity.sessions import client_ip


@require_GET
@login_required
def consent_list(request: HttpRequest) -> HttpResponse:
    all_scopes = get_scopes_backend().get_all_scopes()
    items = [
        {"consent": c, "descriptions": [all_scopes.get(s, s) for s in c.scopes]}
        for c in consents.consents_of(user=request.user)
    ]
    return render(request, "identity/consents.html", {"consents": items})


@require_POST
@login_required
def consent_revoke(request: HttpRequest, consent_id: str) -> HttpResponse:
    try:
        consent = consents.revoke_consent(
            user=request.user, consent_id=consent_id, source_ip=client_ip(request)
        )
    except NotFound:
        return status_page(request, 404)
    messages.success(request, _("已撤销对“%(name)s”的授权") % {"name": consent.application.name})
    return redirect("identity:consents")


urlpatterns: list = [
    path("consents/", consent_list, name="consents"),
    path("consents/<str:consent_id>/revoke/", consent_revoke, name="consent_revoke"),
]
