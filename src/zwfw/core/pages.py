"""The error page every module's views answer with when a rule says no.

One template per status (``portal/400.html``, ``403.html``, ``404.html``: the portal's layout, found by
name at render time, so no module imports the portal), carrying the Chinese message of the domain
error. The JSON API answers the same errors through ``zwfw.core.api``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zwfw.core.errors import DomainError

PAGE_STATUSES = (400, 403, 404)


def status_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The page for ``status`` (a 4xx without a page of its own, such as 409 or 429, shows the 400 page
    under its own status)."""
    template = f"portal/{status}.html" if status in PAGE_STATUSES else "portal/400.html"
    return render(request, template, {"message": message}, status=status)


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return status_page(request, exc.status, exc.message)
