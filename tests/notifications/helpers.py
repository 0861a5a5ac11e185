"""What `zwfw worker` does with queued notices, for tests."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from zwfw.notifications.services import deliver_queued


def run_queued_jobs() -> list[str]:
    """What `zwfw worker` does with the queued delivery jobs, in order."""
    outcomes = []
    for job in DBTaskResult.objects.filter(task_path__endswith="deliver_queued_message").order_by("enqueued_at"):
        message = deliver_queued(*job.args_kwargs["args"])
        outcomes.append(message.status if message else "gone")
    return outcomes
