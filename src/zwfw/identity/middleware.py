"""Session policy: idle and absolute timeouts (staff idle 30 minutes), checked on every request.

A revoked session needs no check here: revoking deletes it from the session store.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import timezone

from zwfw.identity import sessions

TOUCH_EVERY_SECONDS = 60


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = time.time()
            started = session.get(sessions.STARTED_AT, now)
            last_seen = session.get(sessions.LAST_SEEN_AT, now)
            staff = session.get(sessions.STAFF_POLICY)
            if staff is None:  # a session from before the sign-in recorded it
                staff = request.user.is_staff or hasattr(request.user, "staff")
            idle_limit = settings.ZWFW_STAFF_SESSION_IDLE_SECONDS if staff else settings.ZWFW_SESSION_IDLE_SECONDS
            if now - last_seen > idle_limit:
                sessions.sign_out(request, reason="idle_timeout")
            elif now - started > settings.ZWFW_SESSION_ABSOLUTE_SECONDS:
                sessions.sign_out(request, reason="absolute_timeout")
            elif now - last_seen > TOUCH_EVERY_SECONDS:
                session[sessions.LAST_SEEN_AT] = now
                from zwfw.identity.models import AccountSession

                AccountSession.objects.filter(session_key=session.session_key).update(
                    last_seen_at=timezone.now()
                )
        return self.get_response(request)
