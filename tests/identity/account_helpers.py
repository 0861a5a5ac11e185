"""Helpers of the account tests: read an SMS code from the test sender, register through the service."""

from __future__ import annotations

import datetime as dt
import re

from tests.identity.factories import PASSWORD, PopulationRecordFactory
from zwfw.identity import accounts
from zwfw.notifications.models import Channel
from zwfw.notifications.selectors import messages_to


def sms_code(mobile: str) -> str:
    """The six digits of the newest SMS sent to ``mobile`` (the database sender of tests and the demo)."""
    newest = messages_to(channel=Channel.SMS, address=mobile, limit=1)
    assert newest, f"no SMS to {mobile}"
    match = re.search(r"(\d{6})", newest[0].body)
    assert match
    return match.group(1)


def registry_person(n: int, **kwargs):
    """A population record (valid until 2036-01-01 unless told)."""
    return PopulationRecordFactory(n=n, **kwargs)


def register(record, mobile: str, **overrides):
    """Register ``record``'s person with ``mobile`` through the service; unless ``code`` is given, a code
    is sent and read back."""
    if "code" not in overrides:
        accounts.send_register_code(mobile=mobile)
    args = {
        "name": record.name,
        "document_type": record.document_type,
        "document_number": record.document_number,
        "document_valid_until": record.document_valid_until,
        "mobile": mobile,
        "code": overrides.get("code") or sms_code(mobile),
        "password": PASSWORD,
        "accepted_terms": True,
    }
    args.update(overrides)
    return accounts.register_person(**args)


FUTURE = dt.date(2036, 1, 1)
