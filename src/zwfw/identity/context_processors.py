"""What every page needs to know about the signed-in person: name, level, whom they act for."""

from __future__ import annotations

from django.http import HttpRequest


def identity(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        from zwfw.identity.hub import hub_enabled

        return {"signed_in": False, "hub_sign_in_enabled": hub_enabled()}
    from zwfw.identity.sessions import acting_for

    person = getattr(user, "person", None)
    staff = getattr(user, "staff", None)
    display = person.name if person else (staff.name if staff else user.get_username())
    return {"signed_in": True, "display_name": display, "acting_for": acting_for(request)}
