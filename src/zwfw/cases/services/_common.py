"""What every write of a case shares: the actor's label, checked free text, the case locked for
the change, the case event with its audit entry, and the applicant's notice."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from zwfw.cases.models import Case, CaseEvent
from zwfw.core import audit
from zwfw.core.audit import digest
from zwfw.core.errors import ValidationFailed
from zwfw.core.lookups import PreparedInsert
from zwfw.identity.selectors import person_of
from zwfw.identity.staff import staff_of
from zwfw.notifications.models import Channel as MessageChannel
from zwfw.notifications.services import queue_message, send_message

MAX_REASON = 500

# one logger for the whole package, under the name the log lines had before the split
logger = logging.getLogger(__package__)


def _label(user: Any) -> str:
    staff = staff_of(user)
    if staff is not None:
        return f"staff:{staff.public_id}"
    person = person_of(user)
    return f"person:{person.public_id}" if person is not None else "anonymous"


def _text(value: object, *, field: str, what: str, required: bool = True, limit: int = MAX_REASON) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed("CASE_REASON_REQUIRED", f"请填写{what}", details={"field": field})
    if len(text) > limit or "\x00" in text:
        raise ValidationFailed("CASE_TEXT_INVALID", f"{what}过长或含有非法字符", details={"field": field})
    return text


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("item", "department", "applicant", "enterprise").get(
        pk=case.pk
    )


# every write of a case adds an event, and every submission without a draft a case: compiled once
# per connection
_CASE_EVENT = PreparedInsert(CaseEvent)
_CASE = PreparedInsert(Case)


def _event(case: Case, *, action: str, before: str, actor: str, note: str = "", now: dt.datetime) -> None:
    _CASE_EVENT.insert(CaseEvent(
        case=case, action=action, status_before=before, status_after=case.status, actor=actor, note=note[:1000], at=now
    ))
    audit.record(
        actor=actor,
        action=f"cases.{action}",
        object_type="cases.Case",
        object_id=case.pk,
        before={"status": before},
        after={"status": case.status, "form": digest(case.form_data)},
        details={"number": case.number or "", "note": note[:200]},
    )


def _notify(case: Case, text: str) -> None:
    """站内信 and SMS to the applicant (the person who applied; for an enterprise also its legal
    representative), written with the change: the worker sends the SMS once it has committed."""
    people = [case.applicant]
    if case.enterprise is not None and case.enterprise.legal_representative_id != case.applicant_id:
        people.append(case.enterprise.legal_representative)
    for person in people:
        if person.user is not None:
            send_message(channel=MessageChannel.INBOX, purpose="case", to_user=person.user, subject="办件通知", body=text)
        if person.mobile:
            queue_message(channel=MessageChannel.SMS, purpose="case", to_address=person.mobile,
                          body=f"【政务服务】{text}"[:300])


def _name(case: Case) -> str:
    return f"您申请的“{case.item.name}”（办件编号{case.number}）"
