"""Sign-in: passwords, SMS codes, and the second factor staff (and citizens who enabled TOTP) must give.

- Identifier: a mobile number or a document number (居民身份证 by default, other documents by type
  and number) for people; the username for staff and administrators.
- One message for an unknown account and a wrong password alike ("账号或密码错误"), and the same
  work for both (a dummy Argon2id verification when no account matches), OWASP Authentication
  Cheat Sheet "Authentication and error messages".
- Throttling and lockout per account and per source address: ``zwfw.identity.throttle``; after 100
  consecutive failures (NIST SP 800-63B §5.2.2) password and TOTP are refused until an SMS-code or
  passkey sign-in succeeds, or an administrator's ``unlock_account``.
- Every attempt (success, failure, locked, throttled) writes a ``LoginAttempt`` row and an audit
  entry (action ``identity.sign_in``), committed on its own so a refused attempt is never rolled back.
- Methods are RFC 8176 ``amr`` values: ``pwd``, ``sms``, ``otp``, ``hwk``.

These functions authenticate; starting the session is ``zwfw.identity.sessions.sign_in``.

Modules: ``common`` (audit actions, identifier patterns, errors, ``Outcome``), ``identifiers`` (the
account an identifier names, its mobile and second factors), ``attempts`` (recording, throttling,
unlocking, the password sign-in), ``sms_codes`` (sign-in codes), ``second_factor``, ``step_up``,
``pending`` (the half-finished sign-in in the session, the URL to go on to). Every name callers use
is imported here: ``from zwfw.identity import authn; authn.password_sign_in(...)``.
"""

from __future__ import annotations

from zwfw.identity.authn.attempts import password_sign_in, record_attempt, refuse_if_throttled, unlock_account
from zwfw.identity.authn.common import (
    ACCOUNT_LOCK,
    ACCOUNT_UNLOCK,
    CODE_REQUESTS_MESSAGE,
    GENERIC_MESSAGE,
    MAX_PASSWORD_CHARS,
    MOBILE_RE,
    PENDING_KEY,
    PENDING_SECONDS,
    RESIDENT_ID_RE,
    SIGN_IN,
    CodeRequestsThrottled,
    InvalidCredentials,
    Outcome,
    SecondFactorMissing,
    SignInLocked,
    SignInThrottled,
)
from zwfw.identity.authn.identifiers import (
    account_mobile,
    find_account,
    identifier_index,
    is_staff_user,
    second_factor_required,
    second_factors,
)
from zwfw.identity.authn.pending import drop_pending, hold_for_second_factor, pending_second_factor, safe_next
from zwfw.identity.authn.second_factor import send_second_factor_code, verify_second_factor
from zwfw.identity.authn.sms_codes import code_sign_in, request_login_code
from zwfw.identity.authn.step_up import (
    STEP_UP,
    StepUpRequired,
    require_account_level,
    send_step_up_code,
    step_up_factors,
    verify_step_up,
)

__all__ = [
    "ACCOUNT_LOCK",
    "ACCOUNT_UNLOCK",
    "CODE_REQUESTS_MESSAGE",
    "GENERIC_MESSAGE",
    "MAX_PASSWORD_CHARS",
    "MOBILE_RE",
    "PENDING_KEY",
    "PENDING_SECONDS",
    "RESIDENT_ID_RE",
    "SIGN_IN",
    "STEP_UP",
    "CodeRequestsThrottled",
    "InvalidCredentials",
    "Outcome",
    "SecondFactorMissing",
    "SignInLocked",
    "SignInThrottled",
    "StepUpRequired",
    "account_mobile",
    "code_sign_in",
    "drop_pending",
    "find_account",
    "hold_for_second_factor",
    "identifier_index",
    "is_staff_user",
    "password_sign_in",
    "pending_second_factor",
    "record_attempt",
    "refuse_if_throttled",
    "request_login_code",
    "require_account_level",
    "safe_next",
    "second_factor_required",
    "second_factors",
    "send_second_factor_code",
    "send_step_up_code",
    "step_up_factors",
    "unlock_account",
    "verify_second_factor",
    "verify_step_up",
]
