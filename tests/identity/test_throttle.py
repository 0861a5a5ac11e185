"""Lockout arithmetic (zwfw.identity.throttle): counted from LoginAttempt rows, per account and per address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.identity.factories import UserFactory
from zwfw.identity import throttle
from zwfw.identity.models import LoginAttempt

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _attempt(
    at: dt.datetime, *, user=None, index="idx", reason=throttle.BAD_PASSWORD, ok=False, ip="198.51.100.1"
):
    with time_machine.travel(at, tick=False):
        LoginAttempt.objects.create(
            identifier_index=index, user=user, source_ip=ip, method="pwd", succeeded=ok, reason=reason
        )


def _locked(at: dt.datetime, user=None, index="idx"):
    return throttle.account_locked_until(user=user, identifier_index=index, now=at)


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes():
    user = UserFactory()
    for minute in (0, 3, 6, 9):
        _attempt(T0 + dt.timedelta(minutes=minute), user=user)
    assert _locked(T0 + dt.timedelta(minutes=10), user) is None
    _attempt(T0 + dt.timedelta(minutes=12), user=user)
    assert _locked(T0 + dt.timedelta(minutes=12), user) == T0 + dt.timedelta(minutes=27)
    # tries while locked are recorded but do not prolong the lock
    _attempt(T0 + dt.timedelta(minutes=20), user=user, reason=throttle.ACCOUNT_LOCKED)
    assert _locked(T0 + dt.timedelta(minutes=26, seconds=59), user) == T0 + dt.timedelta(minutes=27)
    assert _locked(T0 + dt.timedelta(minutes=27), user) is None


def test_failures_spread_wider_than_the_window_do_not_lock():
    user = UserFactory()
    for n in range(8):
        _attempt(T0 + dt.timedelta(minutes=4 * n), user=user)
    assert _locked(T0 + dt.timedelta(minutes=29), user) is None


def test_accounts_and_unknown_identifiers_are_counted_apart():
    user = UserFactory()
    for minute in range(5):
        _attempt(T0 + dt.timedelta(minutes=minute), index="unknown-one")
    at = T0 + dt.timedelta(minutes=5)
    assert _locked(at, index="unknown-one") is not None
    assert _locked(at, index="unknown-two") is None
    assert _locked(at, user, index="unknown-one") is None


def test_a_success_clears_earlier_failures():
    user = UserFactory()
    for minute in range(4):
        _attempt(T0 + dt.timedelta(minutes=minute), user=user)
    _attempt(T0 + dt.timedelta(minutes=5), user=user, ok=True, reason="")
    _attempt(T0 + dt.timedelta(minutes=6), user=user)
    assert _locked(T0 + dt.timedelta(minutes=7), user) is None


def test_an_address_is_blocked_by_twenty_counted_failures_within_fifteen_minutes():
    for n in range(19):
        _attempt(T0 + dt.timedelta(seconds=n), index=f"i{n}")
    # refusals for a blocked address and pending second factors do not count
    _attempt(T0, reason=throttle.IP_BLOCKED)
    _attempt(T0, reason="second_factor_pending")
    at = T0 + dt.timedelta(minutes=1)
    assert not throttle.ip_blocked(source_ip="198.51.100.1", now=at)
    _attempt(T0 + dt.timedelta(seconds=30), reason=throttle.ACCOUNT_LOCKED)
    assert throttle.ip_blocked(source_ip="198.51.100.1", now=at)
    assert not throttle.ip_blocked(source_ip="198.51.100.2", now=at)
    assert not throttle.ip_blocked(source_ip=None, now=at)
    assert not throttle.ip_blocked(source_ip="198.51.100.1", now=T0 + dt.timedelta(minutes=15, seconds=31))
