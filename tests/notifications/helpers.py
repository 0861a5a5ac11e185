"""What `zwfw worker` does with queued notices, for tests."""

from __future__ import annotations

from zwfw.notifications.services import deliver_all_queued
from zwfw.notifications.tasks import MESSAGES_PER_SWEEP


def run_queued_jobs() -> list[str]:
    """What the worker's delivery sweep does with the queued notices: the status of each, in order."""
    return [message.status for message in deliver_all_queued(limit=MESSAGES_PER_SWEEP)]
