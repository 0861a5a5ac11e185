"""Template context shared by every portal page."""

from django.conf import settings
from django.http import HttpRequest


def node(request: HttpRequest) -> dict:
    return {"node_role": settings.NODE_ROLE, "node_code": settings.NODE_CODE}
