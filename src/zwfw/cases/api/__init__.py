"""JSON API of 办件 (under /api/v1/cases/), for department systems and mobile apps.

- public: the progress query (case number + the last 6 ID characters, masked answer, rate-limited)
  and the 一件事 catalogue with each event's merged form;
- the applicant (browser session with CSRF, or a bearer token with the ``profile`` scope): forms with
  免填 values, drafts, materials, idempotent submission, my cases with the timeline, corrections,
  withdrawal, confirming a window entry, 一件事 submission and status;
- staff (browser session, signed in with two factors): the work queue with deadline colours, the
  department's cases, every step of pre-review, approval, the clock, decision and 办结, batch
  acceptance, comments, reassignment, window and hotline entry, the supervisor's overdue list.

A case the caller may not see is the same 404 as none. Every rule is in ``zwfw.cases.services``.

Modules: ``_common`` (the router, the error responses, the look-ups the handlers share), ``public``,
``applicant`` and ``staff`` (the handlers of each audience). The handlers register on the router as
their modules are imported, in the order below, which is the order of the operations on the router.
"""

from __future__ import annotations

# isort: off
from zwfw.cases.api import public as public
from zwfw.cases.api import applicant as applicant
from zwfw.cases.api import staff as staff
# isort: on
from zwfw.cases.api._common import ERRORS, router

__all__ = ["ERRORS", "router"]
