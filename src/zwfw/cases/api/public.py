"""The public handlers: the progress query and the 一件事 catalogue with each event's merged form."""

from __future__ import annotations

from django.http import HttpRequest

from zwfw.cases import bundles, web
from zwfw.cases.api._common import ERRORS, router
from zwfw.cases.models import LifeEvent
from zwfw.cases.schemas import BundleFormOut, LifeEventOut, ProgressIn, ProgressOut
from zwfw.core.errors import DomainError

# --- public -------------------------------------------------------------------------------------------


@router.post(
    "/progress",
    response={200: ProgressOut, **ERRORS},
    summary="办件进度查询",
    description="按办件编号和申请人证件号码（或统一社会信用代码）后6位查询办理进度：只返回事项、状态、"
    "脱敏的申请人和办理过程（不含说明）。编号不存在与号码不符返回同样的 404；每个来源地址每分钟最多"
    f"{web.PROGRESS_CHECKS_PER_MINUTE}次，同一编号每小时错误{web.PROGRESS_FAILURES_PER_NUMBER}次后锁定一小时。",
)
def progress(request: HttpRequest, payload: ProgressIn):
    return ProgressOut.of(web.checked_progress_request(request, payload.number, payload.id_tail))


@router.get(
    "/events",
    response={200: list[LifeEventOut], **ERRORS},
    summary="一件事目录",
    description="已发布的一件事及其包含的事项（公开）。",
)
def list_events(request: HttpRequest):
    rows = []
    for event in LifeEvent.objects.filter(published=True).order_by("sort_order", "id"):
        try:
            items = [item.name for item in bundles.event_items(event)]
        except DomainError:
            continue  # an item is suspended: not offered
        rows.append(LifeEventOut(code=event.code, name=event.name, audience=event.audience,
                                 description=event.description, items=items))
    return rows


@router.get(
    "/events/{code}/form",
    response={200: BundleFormOut, **ERRORS},
    summary="一件事合并表单",
    description="一件事的合并表单（多个事项共同的字段只出现一次）和去重后的材料清单。",
)
def event_form(request: HttpRequest, code: str):
    merged = bundles.bundle_form(bundles.published_event(code))
    return BundleFormOut(
        form_schema=merged.schema, layout=merged.layout, shared_fields=merged.shared_fields,
        materials=[{"name": m.name, "source": m.source, "required": m.required, "items": m.items}
                   for m in merged.materials],
    )
