"""What every page needs to know about the signed-in person: the name to show.

Whom they act for is not here: the account bar asks ``zwfw.identity.agents.current_principal``
(the ``account_bar`` template tag), which re-checks the grant on every page.
"""

from __future__ import annotations

from django.http import HttpRequest


def identity(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        from zwfw.identity.hub import hub_enabled

        return {"signed_in": False, "hub_sign_in_enabled": hub_enabled()}
    person = getattr(user, "person", None)
    staff = getattr(user, "staff", None)
    display = person.name if person else (staff.name if staff else user.get_username())
    return {"signed_in": True, "display_name": display}
