"""The staff handlers: the work queue, the department's cases, the overdue list, batch acceptance, a
case with its materials and documents, every action on it and its steps, and window and hotline entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Status
from ninja.params import Query

from zwfw.cases import selectors, services, web
from zwfw.cases.api._common import (
    DOCUMENT_FILE,
    ERRORS,
    MATERIAL_FILE,
    _enterprise,
    _entry_applicant,
    _item,
    _material,
    _page,
    _require_staff,
    _staff_case,
    _staff_detail,
    _step,
    _uuid,
    router,
)
from zwfw.cases.schemas import (
    BatchIn,
    BatchResultOut,
    CaseOut,
    CasePageIn,
    CasePageOut,
    CommentIn,
    CompleteIn,
    CorrectionsIn,
    DecideIn,
    EntryIn,
    ExtendIn,
    OpinionIn,
    ReasonIn,
    ReassignIn,
    StaffCaseOut,
    StopIn,
)
from zwfw.cases.states import CaseStatus
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import DomainError, NotFound, ValidationFailed
from zwfw.identity.api.auth import session_auth
from zwfw.identity.models import StaffMember

# --- staff --------------------------------------------------------------------------------------------


@router.get(
    "/queue",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="待办",
    description="按角色和部门的待办：窗口受理人员的待预审办件（含所在大厅各部门），各角色正在办理的环节；"
    "期限最近的在前。每行带时限颜色（green 正常、yellow 已用三分之二、red 超期、stopped 暂停计时）和剩余工作日："
    "待预审的按5个工作日受理期限，已受理的按承诺办结期限（含延长，不计暂停）。",
)
def queue(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    if params.status and params.status not in CaseStatus.values:
        raise ValidationFailed("CASE_STATUS_INVALID", "不支持的状态筛选", details={"field": "status"})
    rows, total = selectors.queue_page(request.user, offset=(params.page - 1) * params.page_size,
                                       limit=params.page_size, status=params.status,
                                       number_prefix=web.number_filter(params.number))
    today, calendar = timezone.localdate(), current_calendar()
    return CasePageOut(items=[CaseOut.of_queue_row(row, deadline=web.deadline_of(row, today=today, calendar=calendar))
                              for row in rows],
                       total=total, page=params.page, page_size=params.page_size)


@router.get(
    "/cases",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="本部门办件",
    description="本部门受理或参与办理的全部办件（草稿除外），可按状态和编号筛选。",
)
def department_cases(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    return _page(selectors.cases_of_staff(request.user), params, deadlines=True, mask=True)


@router.get(
    "/overdue",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="超期办件（效能监督）",
    description="效能监督人员所辖区域内超过承诺期限、仍在计时的办件，超期最久的在前；其他工作人员为空列表，"
    "非工作人员 403。",
)
def overdue(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    return _page(selectors.overdue_cases(request.user), params, deadlines=True, mask=True)


@router.post(
    "/cases/batch/accept",
    auth=session_auth,
    response={200: list[BatchResultOut], **ERRORS},
    summary="批量受理",
    description="逐件受理，最多100件：每件各自一个事务，一件失败不影响其他；按提交顺序逐件返回 ok 和失败时的"
    "错误代码（看不到的办件为 CASE_NOT_FOUND）。",
)
def batch_accept(request: HttpRequest, payload: BatchIn):
    _require_staff(request)
    results = []
    for public_id in payload.cases:
        try:
            services.accept(actor=request.user, case=_staff_case(request, public_id))
            results.append(BatchResultOut(case=public_id, ok=True, code="", message="已受理"))
        except DomainError as exc:
            results.append(BatchResultOut(case=public_id, ok=False, code=exc.code, message=exc.message))
    return results


@router.get(
    "/cases/{public_id}",
    auth=session_auth,
    response={200: StaffCaseOut, **ERRORS},
    summary="办件详情（工作台）",
    description="表单数据、材料、补正告知、审批环节、计时台账、全部办件动态、内部意见和文书。",
)
def staff_case(request: HttpRequest, public_id: str):
    return _staff_detail(request, _staff_case(request, public_id))


@router.get(
    "/cases/{public_id}/materials/{material_id}/file",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="查看申请材料",
    description="办件的申请材料文件（本部门或参与办理部门的工作人员）。",
    openapi_extra=MATERIAL_FILE,
)
def staff_material_file(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    return web.file_response(_material(_staff_case(request, public_id), material_id))


@router.get(
    "/cases/{public_id}/documents/{document_id}",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="下载文书（工作台）",
    description="办件已签章的通知书或决定书（PDF）；尚未签章的返回 404。",
    openapi_extra=DOCUMENT_FILE,
)
def staff_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    return web.document_response(_staff_case(request, public_id), document_id)


def _act(request: HttpRequest, public_id: str, action: Any) -> StaffCaseOut:
    case = _staff_case(request, public_id)
    action(case)
    return _staff_detail(request, case)


@router.post("/cases/{public_id}/accept", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="受理", description="窗口受理人员受理（开始计时，生成受理通知书）。")
def accept(request: HttpRequest, public_id: str):
    return _act(request, public_id, lambda case: services.accept(actor=request.user, case=case))


@router.post("/cases/{public_id}/refuse", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="不予受理", description="须填写理由；生成加盖印章的不予受理通知书。")
def refuse(request: HttpRequest, public_id: str, payload: ReasonIn):
    return _act(request, public_id, lambda case: services.refuse(actor=request.user, case=case, reason=payload.reason))


@router.post("/cases/{public_id}/corrections", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="一次性告知补正", description="一次列明全部需补正的材料及原因。")
def corrections(request: HttpRequest, public_id: str, payload: CorrectionsIn):
    items = [item.model_dump() for item in payload.items]
    return _act(request, public_id,
                lambda case: services.request_corrections(actor=request.user, case=case, items=items))


@router.post("/cases/{public_id}/clock/stop", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="暂停计时", description="听证、检验、检测、鉴定、专家评审等特别程序所需时间不计入时限。")
def stop_clock(request: HttpRequest, public_id: str, payload: StopIn):
    return _act(request, public_id, lambda case: services.stop_clock(
        actor=request.user, case=case, procedure=payload.procedure, reason=payload.reason))


@router.post("/cases/{public_id}/clock/resume", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="恢复计时", description="特别程序结束，恢复计时；承诺办结期限按暂停的工作日顺延。")
def resume_clock(request: HttpRequest, public_id: str):
    return _act(request, public_id, lambda case: services.resume_clock(actor=request.user, case=case))


@router.post("/cases/{public_id}/extend", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="延长办理时限", description="部门负责人（部门管理员）批准，最多10个工作日，只能延长一次。")
def extend(request: HttpRequest, public_id: str, payload: ExtendIn):
    return _act(request, public_id, lambda case: services.extend_limit(
        actor=request.user, case=case, days=payload.days, reason=payload.reason))


@router.post("/cases/{public_id}/decide", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批决定",
             description="决定环节的审批人员作出决定：准予时签发事项的结果证照到申请人的证照夹，不予时须写明理由；"
             "均生成加盖印章的决定书。只能决定一次（再次决定返回 409 CASE_ALREADY_DECIDED），"
             "决定环节之前的环节未办完、计时暂停时返回 409。")
def decide(request: HttpRequest, public_id: str, payload: DecideIn):
    return _act(request, public_id, lambda case: services.decide(
        actor=request.user, case=case, approve=payload.approve, reason=payload.reason,
        license_surface=payload.license_surface))


@router.post("/cases/{public_id}/complete", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="办结", description="记录送达方式：电子送达、窗口领取或快递（须填地址）。本部门的审批人员或窗口受理人员，"
             "或所在大厅的综合窗口人员（统一窗口出件）办理。")
def complete(request: HttpRequest, public_id: str, payload: CompleteIn):
    return _act(request, public_id, lambda case: services.complete(
        actor=request.user, case=case, delivery_method=payload.delivery_method, address=payload.address))


@router.post("/cases/{public_id}/comments", auth=session_auth, response={201: StaffCaseOut, **ERRORS},
             summary="添加内部意见", description="仅工作人员可见。")
def comment(request: HttpRequest, public_id: str, payload: CommentIn):
    return Status(201, _act(request, public_id,
                            lambda case: services.add_comment(actor=request.user, case=case, text=payload.text)))


@router.post("/cases/{public_id}/reassign", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="改派", description="部门管理员把预审受理或正在办理的环节改派给本部门具有相应角色的工作人员。")
def reassign(request: HttpRequest, public_id: str, payload: ReassignIn):
    case = _staff_case(request, public_id)
    step = case.steps.filter(pk=payload.step_id).first() if payload.step_id else None
    if payload.step_id and step is None:
        raise NotFound("CASE_STEP_NOT_FOUND", "未找到该审批环节")
    key = _uuid(payload.to_staff)
    target = StaffMember.objects.filter(public_id=key).select_related("user").first() if key else None
    if target is None:
        raise ValidationFailed("CASE_ASSIGNEE_INVALID", "请选择本部门的工作人员", details={"field": "to_staff"})
    services.reassign(actor=request.user, case=case, to_user=target.user, step=step)
    return _staff_detail(request, case)


@router.post("/steps/{step_id}/approve", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批环节：同意",
             description="按顺序办理：尚未轮到的环节返回 409；同一环节序号的联办环节全部办完后进入下一环节。"
             "环节只在本人可见的办件中查找，看不到的与不存在同样返回 404。")
def approve_step(request: HttpRequest, step_id: int, payload: OpinionIn):
    step = _step(request, step_id)
    services.approve_step(actor=request.user, step=step, opinion=payload.opinion)
    return _staff_detail(request, step.case)


@router.post("/steps/{step_id}/refuse", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批环节：不同意", description="须填写理由；决定环节仍作出最终决定。")
def refuse_step(request: HttpRequest, step_id: int, payload: ReasonIn):
    step = _step(request, step_id)
    services.refuse_step(actor=request.user, step=step, reason=payload.reason)
    return _staff_detail(request, step.case)


@router.post(
    "/entries",
    auth=session_auth,
    response={201: CaseOut, **ERRORS},
    summary="窗口或热线代为录入",
    description="窗口受理人员（window，本部门的事项，综合窗口人员为所在大厅各进驻部门的事项）或12345话务员（hotline）为已实名注册的申请人录入申请；"
    "申请人以 applicant（自然人 public_id）或证件类型和号码指定，代法人申请时另填 enterprise（统一社会信用代码，"
    "申请人须为其法定代表人或被授权人）。按证件号码查找申请人须为可录入该事项的、归属某部门的工作人员（否则 403），"
    "每次查找（录入人员、部门、渠道、脱敏的证件号码和查到的人）都记入审计日志；未找到的返回 404 "
    "CASE_APPLICANT_NOT_FOUND。申请人确认后提交（见确认窗口代录的申请）。",
)
def enter(request: HttpRequest, payload: EntryIn):
    _require_staff(request)
    item = _item(payload.item_id)
    services.check_entering(actor=request.user, item=item, channel=payload.channel)
    applicant = _entry_applicant(request, payload, item)
    case = services.enter_for_applicant(actor=request.user, applicant=applicant, item=item,
                                        form_data=payload.form_data, channel=payload.channel,
                                        enterprise=_enterprise(applicant, payload.enterprise))
    return Status(201, CaseOut.of(case))
