"""Review: registration does not tell a stranger whether a document number or a mobile has an account.

Before, the "already registered" checks ran first: anyone could post a document number (any name,
any date, any code) and read ``PERSON_EXISTS``, or a mobile and read ``MOBILE_TAKEN``, with no SMS
and no limit. Now the document's answer needs the registry match (name, number, expiry) and the
mobile's answer needs the SMS code sent to it.
"""

from __future__ import annotations

import pytest

from tests.identity.account_helpers import FUTURE, register, registry_person, sms_code
from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.core.errors import Conflict, ValidationFailed
from zwfw.identity import accounts
from zwfw.identity.models import Person

pytestmark = pytest.mark.django_db


def _attempt(**overrides):
    args = {
        "name": "随便写",
        "document_type": "resident_id",
        "document_valid_until": FUTURE,
        "mobile": "13900000041",
        "code": "000000",
        "password": PASSWORD,
        "accepted_terms": True,
    }
    args.update(overrides)
    with pytest.raises((ValidationFailed, Conflict)) as refused:
        accounts.register_person(**args)
    return refused.value.code


def test_a_document_number_alone_does_not_tell_whether_it_is_registered():
    # given two people of the registry, one of them registered
    registered = registry_person(42)
    register(registered, "13900000042")
    unregistered = registry_person(43)
    # when a stranger posts each number with a guessed name
    answers = {_attempt(document_number=r.document_number) for r in (registered, unregistered)}
    # then both get the same generic answer
    assert answers == {"IDENTITY_NOT_VERIFIED"}


def test_the_real_person_still_learns_that_their_document_is_registered():
    record = registry_person(44)
    register(record, "13900000044")
    assert (
        _attempt(name=record.name, document_number=record.document_number, mobile="13900000045")
        == "PERSON_EXISTS"
    )


def test_a_mobile_is_told_taken_only_to_whoever_holds_it():
    # given a person using a mobile, and another person of the registry
    owner = PersonFactory()
    record = registry_person(46)
    # when the other one registers with the owner's mobile and a guessed code
    code = _attempt(name=record.name, document_number=record.document_number, mobile=owner.mobile)
    # then the answer is about the code, not the number
    assert code == "SMS_CODE_INVALID"
    # and with the code sent to that mobile, the number is taken
    accounts.send_register_code(mobile=owner.mobile)
    assert (
        _attempt(
            name=record.name,
            document_number=record.document_number,
            mobile=owner.mobile,
            code=sms_code(owner.mobile),
        )
        == "MOBILE_TAKEN"
    )
    assert not Person.objects.filter(document_number=record.document_number).exists()
