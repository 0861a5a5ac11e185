"""Background jobs of 统一电子证照 (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

# One sweep renders this many files, then queues the next one (a file costs about half a second).
FILES_PER_SWEEP = 20
# While a sweep finds work it looks again this much later, for the licences issued in the minute a
# web process queued no sweep (services.queue_file_sweep).
SWEEP_AGAIN_SECONDS = 60

logger = logging.getLogger(__name__)


@task()
def render_license_files(from_id: int) -> dict[str, int]:
    """证照文件: render and PAdES-sign the files of licences issued since ``from_id`` that have none,
    while the issuer's seal signs, so that the holder downloads their file even after the seal is
    suspended or cancelled. Oldest first, FILES_PER_SWEEP at a time; a licence whose seal no longer
    signs, or whose file fails for another reason (logged), is left without a file: its download makes
    it or says why. The file's QR code links to ``settings.BASE_URL``: without it nothing is made here
    (the first download makes the file, with the request's address). Returns what it did."""
    from zwfw.core.errors import DomainError
    from zwfw.licenses.models import License, LicenseStatus
    from zwfw.licenses.rendering import license_file

    if not settings.BASE_URL:
        logger.warning("licence files are not made in the background: ZWFW_BASE_URL is not set")
        return {"made": 0, "refused": 0}
    pending = list(
        License.objects.select_related("license_type", "issuer")
        .filter(pk__gte=from_id, file__isnull=True, status=LicenseStatus.VALID)
        .order_by("pk")[:FILES_PER_SWEEP]
    )
    made = refused = 0
    for license in pending:
        try:
            license_file(license)
        except DomainError:
            refused += 1
        except Exception:  # one licence's failure must not stop the files of the others
            logger.exception("licence file of %s not made", license.identifier)
            refused += 1
        else:
            made += 1
    if len(pending) == FILES_PER_SWEEP:  # more wait: the next batch at once
        render_license_files.enqueue(pending[-1].pk + 1)
    elif pending:  # this batch emptied the queue: one more look, later
        later = timezone.now() + dt.timedelta(seconds=SWEEP_AGAIN_SECONDS)
        render_license_files.using(run_after=later).enqueue(pending[-1].pk + 1)
    return {"made": made, "refused": refused}
