"""What every step of a sign-in shares: the audit actions, the identifier patterns, how long a
half-finished sign-in waits, the errors (one message for an unknown account and a wrong password)
and ``Outcome``, what a first factor leads to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zwfw.core.errors import DomainError, PermissionDenied
from zwfw.identity import throttle
from zwfw.notifications.errors import Throttled

SIGN_IN = "identity.sign_in"
ACCOUNT_LOCK = "identity.account_lock"
ACCOUNT_UNLOCK = "identity.account_unlock"
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
RESIDENT_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
PENDING_KEY = "zwfw.second_factor"
PENDING_SECONDS = 300
GENERIC_MESSAGE = "账号或密码错误"
CODE_REQUESTS_MESSAGE = "获取验证码过于频繁，请1小时后再试"
MAX_PASSWORD_CHARS = 4096  # never hash more than this (a longer one is simply wrong)


class InvalidCredentials(DomainError):
    status = 400

    def __init__(self, message: str = GENERIC_MESSAGE) -> None:
        super().__init__("INVALID_CREDENTIALS", message)


class SignInLocked(DomainError):
    """Too many failures for this account (or identifier): the same words whether it exists or not."""

    status = 429

    def __init__(self) -> None:
        super().__init__("SIGN_IN_LOCKED", f"{GENERIC_MESSAGE}次数过多，请稍后再试")


class SignInThrottled(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__("SIGN_IN_THROTTLED", "登录尝试过于频繁，请稍后再试")


class CodeRequestsThrottled(Throttled):
    """Too many SMS codes asked for from one source address (SMS pumping); the same words whether
    the number is registered or not."""

    def __init__(self) -> None:
        super().__init__(
            CODE_REQUESTS_MESSAGE,
            retry_after_seconds=int(throttle.CODE_REQUEST_WINDOW.total_seconds()),
        )


class SecondFactorMissing(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "SECOND_FACTOR_MISSING",
            "工作人员必须使用第二重身份验证（动态口令或短信验证码）登录，您的账号尚未配置，请联系管理员",
        )


@dataclass
class Outcome:
    """A first factor was accepted: sign in with ``methods``, or first ask for one of ``second_factors``."""

    user: Any
    methods: list[str]
    second_factors: list[str] = field(default_factory=list)

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.second_factors)
