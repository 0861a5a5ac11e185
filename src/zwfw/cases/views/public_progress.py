"""The public progress query (办件进度查询) by case number and the last 6 characters of the
applicant's ID number."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from zwfw.cases import web
from zwfw.core.errors import DomainError
from zwfw.core.lookups import lookup_key

# --- the public progress query -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: case number + the last 6 characters of the applicant's ID number."""
    context: dict[str, Any] = {"form": {"number": lookup_key(request.POST.get("number", ""), max_length=30)}}
    status = 200
    if request.method == "POST":
        try:
            context["progress"] = web.checked_progress_request(
                request, request.POST.get("number", ""), request.POST.get("id_tail", ""))
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    response = render(request, "cases/progress.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # a POST form: see licenses.views._public
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
