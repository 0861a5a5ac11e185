"""SMS codes: asking for a sign-in code (saying nothing about whether the number has an account)
and signing in with one."""

from __future__ import annotations

import contextlib

from django.db import transaction

from zwfw.core import audit
from zwfw.core.errors import ValidationFailed
from zwfw.identity import otp, throttle
from zwfw.identity.authn.attempts import _finish_first_factor, record_attempt, refuse_if_throttled
from zwfw.identity.authn.common import MOBILE_RE, CodeRequestsThrottled, Outcome, SignInThrottled
from zwfw.identity.authn.identifiers import find_account, identifier_index
from zwfw.notifications.errors import Throttled
from zwfw.notifications.services import normalise_mobile


def request_login_code(*, mobile: str, source_ip: str | None = None) -> None:
    """Send a sign-in code if a person has this mobile; say nothing about whether one does.

    Raises ``INVALID_MOBILE`` (400), ``SIGN_IN_THROTTLED`` (429) or, once the source address asked
    for ``throttle.CODE_REQUESTS_PER_ADDRESS`` codes within the hour (SMS pumping),
    ``MESSAGE_RATE_LIMITED`` (429), decided before the number is looked up so it tells nothing about
    it; a number that had too many codes lately gets no new one, with the same answer as any other.
    """
    mobile = normalise_mobile(mobile)
    index = identifier_index(mobile)
    if throttle.ip_blocked(source_ip=source_ip):
        raise SignInThrottled()
    if not throttle.allow_code_request(source_ip=source_ip, purpose="login"):
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="login_identifier",
            object_id=index,
            source_ip=source_ip,
            result="denied",
            details={"reason": "address_rate_limited"},
        )
        raise CodeRequestsThrottled()
    user = find_account(mobile)
    if user is None:
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="login_identifier",
            object_id=index,
            source_ip=source_ip,
            result="failure",
            details={"reason": "unknown_account"},
        )
        return
    try:
        with transaction.atomic():
            otp.issue_code(purpose="login", mobile=mobile)
            audit.record(
                actor="anonymous",
                action="identity.sign_in_code",
                object_type="account",
                object_id=f"user:{user.pk}",
                source_ip=source_ip,
            )
    except Throttled:
        # Too many codes to this number lately: nothing is sent, and the answer stays the one an
        # unknown number gets (a 429 here and never there would tell that the number has an account).
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="account",
            object_id=f"user:{user.pk}",
            source_ip=source_ip,
            result="denied",
            details={"reason": "rate_limited"},
        )


def code_sign_in(*, mobile: str, code: str, source_ip: str | None = None) -> Outcome:
    """Sign in with a mobile number and the SMS code sent to it (purpose ``login``)."""
    with contextlib.suppress(ValidationFailed):  # a malformed number is just a failed attempt
        mobile = normalise_mobile(mobile)
    index = identifier_index(mobile)
    user = find_account(mobile) if MOBILE_RE.match(mobile or "") else None
    refuse_if_throttled(user=user, index=index, method="sms", source_ip=source_ip)
    try:
        if user is None:
            raise otp.CodeRejected()
        otp.verify_code(purpose="login", mobile=mobile, code=code)
    except otp.CodeRejected:
        record_attempt(
            user=user,
            index=index,
            method="sms",
            succeeded=False,
            reason=throttle.BAD_CODE,
            result="failure",
            source_ip=source_ip,
        )
        raise
    return _finish_first_factor(user=user, index=index, method="sms", source_ip=source_ip)
