"""办件 services: every write of a case, one transaction each, audited in the same transaction.

Applicants (a person for themselves, or for an enterprise they represent or hold a live agent grant
for) save drafts, submit, correct and withdraw. Window clerks of the item's department pre-review:
accept, refuse with a reason, or ask for every correction at once (一次性告知); the clerks of a hall's
comprehensive window (一窗) enter, pre-review and hand out (办结) the items of every department of the
hall, whose own staff approve (后台分类审批). Step assignees (the step's department and role) act on
steps in order; the decision step's assignee decides once.
A failed call raises a ``DomainError`` and changes nothing.

Modules: ``_common`` (what every write shares: the case event with its audit entry, the applicant's
notice), ``_checks`` (who may act; the item and its form), ``submission`` (drafts, entry by a clerk,
materials, ``submit``), ``documents`` (sealed notices), ``comments`` (internal comments,
reassignment), ``prereview`` (一窗 pre-review and acceptance), ``time_limits`` (the clock of a case),
``approval`` (steps, the decision, 办结, withdrawal). Every name callers use is imported here:
``from zwfw.cases import services; services.submit(...)``.
"""

from __future__ import annotations

from zwfw.cases.services._checks import SELF_SERVICE_CHANNELS, define_form, prefilled_form, serves_at_window
from zwfw.cases.services._checks import _require_person as _require_person  # used by zwfw.cases.bundles
from zwfw.cases.services._common import MAX_REASON
from zwfw.cases.services.approval import (
    DELIVERY_METHODS,
    approve_step,
    complete,
    decide,
    refuse_step,
    withdraw,
)
from zwfw.cases.services.comments import add_comment, reassign
from zwfw.cases.services.documents import seal_pending_documents
from zwfw.cases.services.prereview import accept, correct, deem_accepted_overdue, refuse, request_corrections
from zwfw.cases.services.submission import (
    ENTERING_ROLES,
    MAX_KEY,
    MAX_MATERIALS,
    add_upload,
    check_entering,
    confirm_entry,
    enter_for_applicant,
    find_entry_applicant,
    material_content,
    remove_upload,
    save_draft,
    submit,
)
from zwfw.cases.services.time_limits import (
    clock_of,
    extend_limit,
    refresh_unknown_due_dates,
    resume_clock,
    stop_clock,
)

__all__ = [
    "DELIVERY_METHODS",
    "ENTERING_ROLES",
    "MAX_KEY",
    "MAX_MATERIALS",
    "MAX_REASON",
    "SELF_SERVICE_CHANNELS",
    "accept",
    "add_comment",
    "add_upload",
    "approve_step",
    "check_entering",
    "clock_of",
    "complete",
    "confirm_entry",
    "correct",
    "decide",
    "deem_accepted_overdue",
    "define_form",
    "enter_for_applicant",
    "extend_limit",
    "find_entry_applicant",
    "material_content",
    "prefilled_form",
    "reassign",
    "refresh_unknown_due_dates",
    "refuse",
    "refuse_step",
    "remove_upload",
    "request_corrections",
    "resume_clock",
    "save_draft",
    "seal_pending_documents",
    "serves_at_window",
    "stop_clock",
    "submit",
    "withdraw",
]
