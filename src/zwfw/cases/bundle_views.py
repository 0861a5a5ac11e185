"""Pages of 一件事一次办 (under /cases/events/ and /cases/bundles/).

The events list; an event's one application (the merged form, each shared field once, and one file
per material however many items ask for it); and the combined status of a submitted bundle with its
linked cases. Thin views, as views.py: one service or selector call, a ``DomainError`` re-renders
the page with its message and status, nothing changed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from zwfw.cases import bundles, forms, selectors, services, uploads
from zwfw.cases.models import ItemForm, LifeEvent
from zwfw.cases.views import (
    _chosen_enterprise,
    _enterprise_choices,
    _fields,
    _posted_form,
    _redirect,
)
from zwfw.catalog.models import MaterialSource
from zwfw.core.errors import DomainError, ValidationFailed
from zwfw.core.pages import error_page
from zwfw.identity.selectors import require_person


@require_safe
def events(request: HttpRequest) -> HttpResponse:
    """一件事 list: every published event with the items it bundles."""
    rows = []
    for event in LifeEvent.objects.filter(published=True).prefetch_related("entries").order_by("sort_order", "id"):
        try:
            items = bundles.event_items(event)
        except DomainError:
            items = []  # an item is suspended: the event is listed as unavailable
        rows.append({"event": event, "items": items})
    return render(request, "cases/events.html", {"rows": rows})


def _files(request: HttpRequest, merged: bundles.BundleForm) -> dict[str, bytes]:
    """One file per material name (the input is named after the material's position in the list)."""
    given: dict[str, bytes] = {}
    for n, material in enumerate(merged.materials):
        upload = request.FILES.get(f"m_{n}")
        if upload is None:
            continue
        if upload.size and upload.size > uploads.MAX_UPLOAD_BYTES:
            raise ValidationFailed("CASE_UPLOAD_TOO_LARGE", f"“{material.name}”超过{uploads.MAX_UPLOAD_BYTES // 2**20}MB",
                                   details={"field": f"m_{n}"})
        given[material.name] = upload.read()
    return given


@require_http_methods(["GET", "POST"])
@login_required
def event_apply(request: HttpRequest, code: str) -> HttpResponse:
    """一件事 application: one form, one set of materials, one submission."""
    try:
        person = require_person(request.user)
        event = bundles.published_event(code)
        merged = bundles.bundle_form(event)
        choices = _enterprise_choices(person) if event.audience == "enterprise" else []
        enterprise = _chosen_enterprise(request, person, choices) if choices else None
    except DomainError as exc:
        return error_page(request, exc)
    form = ItemForm(schema=merged.schema, layout=merged.layout)  # unsaved: the merged form, drawn as one
    prefilled = forms.prefill_values(merged.layout, person=person, enterprise=enterprise)
    fields = _fields(form, {}, prefilled)
    context: dict[str, Any] = {"event": event, "merged": merged, "choices": choices, "enterprise": enterprise,
                               "idempotency_key": uuid.uuid4().hex}
    status = 200
    if request.method == "POST":
        data = _posted_form(request, fields)
        key = str(request.POST.get("idempotency_key", ""))[:services.MAX_KEY]
        try:
            bundle = bundles.submit_bundle(actor=request.user, event=event, form_data=data, files=_files(request, merged),
                                           idempotency_key=key, enterprise=enterprise)
            return _redirect("bundle_detail", bundle.public_id, done="submitted")
        except DomainError as exc:
            context.update(error=exc, idempotency_key=key or context["idempotency_key"])
            fields = _fields(form, data, prefilled)
            status = exc.status
    asked = set(bundles.required_uploads(merged))
    context.update(fields=fields, shared=set(merged.shared_fields), materials=[
        {"n": n, "material": m, "required": m.name in asked,
         "licence": m.source == MaterialSource.E_LICENSE,
         "fetched": m.source in (MaterialSource.SHARED_DATA, MaterialSource.DEPARTMENT)}
        for n, m in enumerate(merged.materials)
    ])
    return render(request, "cases/event_apply.html", context, status=status)


@require_safe
@login_required
def bundle_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The combined status of a 一件事 and its linked cases."""
    try:
        person = require_person(request.user)
        bundle = selectors.bundle_of_applicant(person=person, public_id=public_id)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "cases/bundle.html", {
        "bundle": bundle, "status": bundles.bundle_status(bundle, person=person), "done": request.GET.get("done", ""),
    })


@require_safe
@login_required
def my_bundles(request: HttpRequest) -> HttpResponse:
    try:
        person = require_person(request.user)
    except DomainError as exc:
        return error_page(request, exc)
    rows = [{"bundle": b, "status": bundles.bundle_status(b, person=person)}
            for b in selectors.bundles_of_applicant(person)[:50]]
    return render(request, "cases/bundles_mine.html", {"rows": rows})


urlpatterns = [
    path("events/", events, name="events"),
    path("events/<slug:code>/", event_apply, name="event_apply"),
    path("bundles/", my_bundles, name="my_bundles"),
    path("bundles/<str:public_id>/", bundle_detail, name="bundle_detail"),
]
