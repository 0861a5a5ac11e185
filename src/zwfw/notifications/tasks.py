"""Background jobs of 消息 (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

# One sweep sends this many notices, then queues the next one at once.
MESSAGES_PER_SWEEP = 200


@task()
def deliver_queued_messages() -> dict[str, int]:
    """发送: the queued SMS and e-mail notices, oldest first, each through its channel's sender
    (services.deliver_all_queued). A sweep that found notices looks again a gate period later, for
    the ones queued while web processes queued no sweep (services.queue_delivery_sweep)."""
    from zwfw.notifications.services import DELIVERY_SWEEP_GATE_SECONDS, deliver_all_queued

    handled = deliver_all_queued(limit=MESSAGES_PER_SWEEP)
    if len(handled) == MESSAGES_PER_SWEEP:  # more wait: the next sweep at once
        deliver_queued_messages.enqueue()
    elif handled:
        later = timezone.now() + dt.timedelta(seconds=DELIVERY_SWEEP_GATE_SECONDS)
        deliver_queued_messages.using(run_after=later).enqueue()
    counts: dict[str, int] = {}
    for message in handled:
        counts[message.status] = counts.get(message.status, 0) + 1
    return counts


@task()
def deliver_queued_message(message_id: int) -> str:
    """发送 one queued notice: the job each notice queued before the sweep (jobs already in the queue
    when a node is upgraded still run); returns its status."""
    from zwfw.notifications.services import deliver_queued

    message = deliver_queued(message_id)
    return message.status if message is not None else "gone"
