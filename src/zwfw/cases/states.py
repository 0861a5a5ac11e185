"""The case state machine, declared once: states, allowed transitions and who fires each.

draft → submitted → (corrections_requested ⇄ submitted) → accepted | refused;
accepted → in_review (first step acted on) → approved | disapproved (the decision) → completed (办结);
withdrawn from any state before a decision.
"""

from __future__ import annotations

from django.db import models

from zwfw.core.errors import Conflict


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交（待预审）"
    CORRECTIONS_REQUESTED = "corrections_requested", "待补正"
    ACCEPTED = "accepted", "已受理"
    REFUSED = "refused", "不予受理"
    IN_REVIEW = "in_review", "审批中"
    APPROVED = "approved", "准予许可"
    DISAPPROVED = "disapproved", "不予许可"
    COMPLETED = "completed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


S = CaseStatus

# (from, to): (action, who fires it)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, S.SUBMITTED): ("submit", "applicant"),
    (S.SUBMITTED, S.CORRECTIONS_REQUESTED): ("request_corrections", "window_clerk"),
    (S.CORRECTIONS_REQUESTED, S.SUBMITTED): ("correct", "applicant"),
    (S.SUBMITTED, S.ACCEPTED): ("accept", "window_clerk"),  # or the system: deemed acceptance
    (S.SUBMITTED, S.REFUSED): ("refuse", "window_clerk"),
    (S.ACCEPTED, S.IN_REVIEW): ("approve_step", "step assignee"),
    (S.ACCEPTED, S.APPROVED): ("decide", "decision step assignee"),  # 即办件: decided at once
    (S.ACCEPTED, S.DISAPPROVED): ("decide", "decision step assignee"),
    (S.IN_REVIEW, S.APPROVED): ("decide", "decision step assignee"),
    (S.IN_REVIEW, S.DISAPPROVED): ("decide", "decision step assignee"),
    (S.APPROVED, S.COMPLETED): ("complete", "department staff"),
    (S.DISAPPROVED, S.COMPLETED): ("complete", "department staff"),
    **{
        (state, S.WITHDRAWN): ("withdraw", "applicant")
        for state in (S.DRAFT, S.SUBMITTED, S.CORRECTIONS_REQUESTED, S.ACCEPTED, S.IN_REVIEW)
    },
}

# States where the decision clock runs (accepted, not yet decided).
CLOCK_STATES = frozenset({S.ACCEPTED, S.IN_REVIEW})
DECIDED_STATES = frozenset({S.APPROVED, S.DISAPPROVED, S.COMPLETED})
FINAL_STATES = frozenset({S.REFUSED, S.COMPLETED, S.WITHDRAWN})

_MESSAGES = {
    "submit": "只有草稿可以提交",
    "request_corrections": "只有待预审的申请可以要求补正",
    "correct": "只有待补正的申请可以补正",
    "accept": "只有待预审的申请可以受理",
    "refuse": "只有待预审的申请可以不予受理",
    "approve_step": "案件尚未受理，不能审批",
    "decide": "案件尚未受理或已作出决定，不能再作决定",
    "complete": "只有已作出决定的案件可以办结",
    "withdraw": "已作出决定或已结束的案件不能撤回",
}


def can(current: str, target: str) -> bool:
    return (current, target) in TRANSITIONS


def check(current: str, target: str, *, action: str) -> None:
    """Raise Conflict CASE_TRANSITION_NOT_ALLOWED unless ``action`` may take ``current`` to ``target``."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None or allowed[0] != action:
        raise Conflict(
            "CASE_TRANSITION_NOT_ALLOWED",
            f"{_MESSAGES.get(action, '当前状态不允许此操作')}（当前状态：{CaseStatus(current).label}）",
            details={"status": current, "action": action},
        )
