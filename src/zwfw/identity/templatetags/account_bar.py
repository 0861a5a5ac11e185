"""``{% account_bar_state as bar %}``: whom the signed-in person acts for (re-validated) and whom they may."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def account_bar_state(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"signed_in": False}
    from zwfw.identity.agents import current_principal, principals_of
    from zwfw.identity.selectors import person_of

    person = person_of(user)
    current = current_principal(request)
    options = principals_of(person) if person is not None else []
    return {
        "signed_in": True,
        "person": person,
        "current": current,
        "current_key": f"{current.kind}:{current.public_id}",
        "options": [{"key": f"{p.kind}:{p.public_id}", "principal": p} for p in options],
    }
