"""Pages of 办件 (under /cases/).

- the applicant's: 申请 an item (the form rendered from the item's JSON Schema, 免填 fields from the
  verified identity, the materials with what is taken from an e-licence), 我的办件 and a case's page
  (timeline, correction notices, the correction form, materials, withdrawal);
- the staff workbench: the queue with deadline colours, batch acceptance, a case's page with the
  action forms its status and the user's roles allow, and the supervisor's overdue list;
- the public progress query (办件进度查询) by case number and the last 6 characters of the applicant's
  ID number, rate-limited per source address and per case number.

Thin views: parse the form, call one service or selector, render. A ``DomainError`` re-renders the
page with its Chinese message and the error's status (the service changed nothing).

Modules: ``_common`` (what the pages share: sign-in, error pages, pagination, deadlines),
``application_form`` (the item's form from its JSON Schema, its materials), ``applicant`` (申请 and
我的办件), ``workbench_queue`` (the queue, batch acceptance, the overdue list), ``workbench_case`` (a
case's workbench page and its actions), ``public_progress`` (办件进度查询). The URL patterns are here,
and every name used elsewhere is imported here (the private helpers for ``zwfw.cases.bundle_views``).
"""

from __future__ import annotations

from django.urls import path

from zwfw.cases.views._common import DELIVERY_WORDS, MAX_PAGE, PAGE_SIZE, Page
from zwfw.cases.views._common import _redirect as _redirect
from zwfw.cases.views.applicant import _chosen_enterprise as _chosen_enterprise
from zwfw.cases.views.applicant import _enterprise_choices as _enterprise_choices
from zwfw.cases.views.applicant import (
    apply,
    mine,
    mine_detail,
    mine_document,
    mine_material,
    mine_remove,
    mine_upload,
    mine_withdraw,
)
from zwfw.cases.views.application_form import _fields as _fields
from zwfw.cases.views.application_form import _posted_form as _posted_form
from zwfw.cases.views.public_progress import progress
from zwfw.cases.views.workbench_case import (
    CORRECTION_ROWS,
    ROLE_WORDS,
    workbench_act,
    workbench_detail,
    workbench_document,
    workbench_material,
)
from zwfw.cases.views.workbench_queue import MAX_BATCH, QUEUE_STATUSES, batch_accept, overdue, workbench

app_name = "cases"

urlpatterns = [
    path("apply/<int:item_id>/", apply, name="apply"),
    path("mine/", mine, name="mine"),
    path("mine/<str:public_id>/", mine_detail, name="mine_detail"),
    path("mine/<str:public_id>/withdraw/", mine_withdraw, name="mine_withdraw"),
    path("mine/<str:public_id>/materials/", mine_upload, name="mine_upload"),
    path("mine/<str:public_id>/materials/<int:material_id>/", mine_material, name="mine_material"),
    path("mine/<str:public_id>/materials/<int:material_id>/remove/", mine_remove, name="mine_remove"),
    path("mine/<str:public_id>/documents/<str:document_id>.pdf", mine_document, name="mine_document"),
    path("workbench/", workbench, name="workbench"),
    path("workbench/batch-accept/", batch_accept, name="batch_accept"),
    path("workbench/overdue/", overdue, name="overdue"),
    path("workbench/<str:public_id>/", workbench_detail, name="workbench_detail"),
    path("workbench/<str:public_id>/act/", workbench_act, name="workbench_act"),
    path("workbench/<str:public_id>/materials/<int:material_id>/", workbench_material, name="workbench_material"),
    path("workbench/<str:public_id>/documents/<str:document_id>.pdf", workbench_document, name="workbench_document"),
    path("progress/", progress, name="progress"),
]


__all__ = [
    "CORRECTION_ROWS",
    "DELIVERY_WORDS",
    "MAX_BATCH",
    "MAX_PAGE",
    "PAGE_SIZE",
    "QUEUE_STATUSES",
    "ROLE_WORDS",
    "Page",
    "app_name",
    "apply",
    "batch_accept",
    "mine",
    "mine_detail",
    "mine_document",
    "mine_material",
    "mine_remove",
    "mine_upload",
    "mine_withdraw",
    "overdue",
    "progress",
    "urlpatterns",
    "workbench",
    "workbench_act",
    "workbench_detail",
    "workbench_document",
    "workbench_material",
]
