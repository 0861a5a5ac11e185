"""Demo 办件: application forms and approval steps for high-frequency items of the demo catalogue,
and cases of the demo citizens and enterprise in every state of the case workflow.

The forms and steps belong to the published item versions (``ItemForm`` and ``ItemStep`` rows of
the current version; a later version of an item starts without them, as the catalogue's versioning
has it). The cases are made through ``zwfw.cases.services`` with ``now=`` in the past, counted in
working days back from the day of seeding, so their deadlines and colours are those of real cases:
one overdue (red), one near its deadline (yellow), one with the clock stopped for 专家评审, one
extended, one deemed accepted (《行政许可法》第32条), a 联办 case waiting for a second department, a
即办件 completed on the spot. The workflow cases are of 杭州市民政局, where the demo staff work;
cases of other departments wait for their pre-review.

Idempotent: each demo case carries a fixed idempotency key (a draft: its applicant and item), and a
case already there is left as it is, so a second run creates nothing.

Modules: ``items`` (the forms and steps of the demo items), ``scenarios`` (the cases and the clock
that dates them).
"""

from __future__ import annotations

from zwfw.demo.cases.items import CANBU, DANGAN, FORMS, HZCL, HZMZ, STEPS, ensure_item_forms
from zwfw.demo.cases.scenarios import seed_cases_demo

__all__ = ["CANBU", "DANGAN", "FORMS", "HZCL", "HZMZ", "STEPS", "ensure_item_forms", "seed_cases_demo"]
