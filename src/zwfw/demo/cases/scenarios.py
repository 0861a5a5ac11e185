"""The demo cases: each scenario made through ``zwfw.cases.services`` at moments counted in working
days back from the day of seeding (``Clock``), with scanned materials where the item asks for them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from zwfw.cases import services
from zwfw.cases.models import Case, CaseStep, Procedure, StepKind, StepStatus
from zwfw.catalog.models import Department, ImplementationItem, MaterialRequirement, MaterialSource
from zwfw.core.calendar import CalendarNotLoaded, current_calendar
from zwfw.demo.cases.items import (
    BULING,
    CANBU,
    DANGAN,
    DIBAO,
    GETI,
    LINSHI,
    SHEBAO,
    SHENFEN,
    SHENGYU,
    SHIPIN,
    _item,
    ensure_item_forms,
)
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import Enterprise, Person
from zwfw.licenses.models import License, LicenseStatus

logger = logging.getLogger(__name__)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
KEY_PREFIX = "demo-case-"

# --- time ------------------------------------------------------------------------------------------


class Clock:
    """Moments counted in working days back from the day of seeding (Asia/Shanghai)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localtime(now, SHANGHAI).date()
        self.calendar = current_calendar()

    def day(self, back: int) -> dt.date:
        day, remaining = self.today, back
        while remaining:
            day -= dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                remaining -= 1
        return day

    def at(self, back: int, hour: int, minute: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(self.day(back), dt.time(hour, minute), tzinfo=SHANGHAI)
        if moment >= self.now:  # seeding early in the morning: "today" is the last hour or so
            moment = self.now - dt.timedelta(minutes=max(1, 90 - hour * 5 - minute // 10))
        return moment


# --- materials ------------------------------------------------------------------------------------


def scan(name: str) -> bytes:
    """A small PNG standing in for a scanned material (its colour derived from the name)."""
    shade = hashlib.sha256(name.encode()).digest()
    image = Image.new("RGB", (640, 420), (235 - shade[0] % 30, 240 - shade[1] % 30, 245 - shade[2] % 30))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 616, 396), outline=(120, 120, 140), width=3)
    draw.text((48, 48), f"ZWFW DEMO SCAN {shade.hex()[:12]}", fill=(60, 60, 80))
    for line in range(6):
        draw.line((48, 110 + line * 40, 560 - (line % 3) * 60, 110 + line * 40), fill=(150, 150, 170), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_licence(case: Case, license_type_code: str) -> bool:
    licences = License.objects.filter(license_type__code=license_type_code, status=LicenseStatus.VALID,
                                      superseded_by__isnull=True)
    if case.enterprise_id:
        return licences.filter(holder_enterprise_id=case.enterprise_id).exists()
    return licences.filter(holder_person_id=case.applicant_id).exists()


def _upload_materials(actor: Any, case: Case) -> None:
    """Upload what the applicant must bring: every required material of the case's handling variant
    that no e-licence of the applicant covers (those are linked at submission: 免提交)."""
    handling = case.form_data.get("handling_code")
    for material in case.item.materials.filter(
        requirement=MaterialRequirement.REQUIRED, electronic=True,
        source__in=[MaterialSource.APPLICANT, MaterialSource.E_LICENSE],
    ).order_by("sort_order", "id"):
        if material.handling_codes and handling not in material.handling_codes:
            continue
        if material.source == MaterialSource.E_LICENSE and _has_licence(case, material.license_type_code):
            continue
        services.add_upload(actor=actor, case=case, material=material, content=scan(material.name),
                            filename=f"{material.name}.png")


# --- scenarios --------------------------------------------------------------------------------------


@dataclass
class Actors:
    people: dict[str, Person]
    enterprise: Enterprise
    staff: dict[str, Any]  # username -> user


def _actors() -> Actors:
    from zwfw.demo.identity import CITIZENS, ENTERPRISES

    people = {row["name"]: Person.objects.get(mobile_index=mobile_index(mobile)) for row, mobile, _, _ in CITIZENS}
    users = get_user_model().objects
    staff = {name: users.get(username=name) for name in ("window", "approver", "deptadmin", "supervisor")}
    return Actors(people, Enterprise.objects.get(credit_code=ENTERPRISES[0]["credit_code"]), staff)


@dataclass(frozen=True)
class Scenario:
    """One demo case: who applies for what, and what happens to it after submission."""

    slug: str
    person: str
    item: str
    form: dict[str, Any]
    submitted: tuple[int, int] | None  # (working days back, hour); None: stays a draft
    then: Callable[[Case, Actors, Clock], Any] | None = None
    for_enterprise: bool = False


def _active(case: Case, kind: str, department: Department | None = None) -> CaseStep:
    steps = CaseStep.objects.filter(case=case, kind=kind, status=StepStatus.ACTIVE)
    if department is not None:
        steps = steps.filter(department=department)
    return steps.get()


def _review(case: Case, a: Actors, c: Clock, back: int, hour: int, opinion: str) -> None:
    services.approve_step(actor=a.staff["approver"], step=_active(case, StepKind.REVIEW), opinion=opinion,
                          now=c.at(back, hour))


def _audit(case: Case, a: Actors, c: Clock, back: int, hour: int, opinion: str) -> None:
    services.approve_step(actor=a.staff["deptadmin"], step=_active(case, StepKind.AUDIT, case.department),
                          opinion=opinion, now=c.at(back, hour))


def _accept(case: Case, a: Actors, c: Clock, back: int, hour: int = 15) -> None:
    services.accept(actor=a.staff["window"], case=case, now=c.at(back, hour))


def _in_review_yellow(case: Case, a: Actors, c: Clock) -> None:
    # promised 20 working days, 14 used: two thirds gone, six left
    _accept(case, a, c, 14)
    _review(case, a, c, 12, 10, "申请材料齐全，已完成入户调查，家庭经济状况核对结果待审核")


def _in_review_red(case: Case, a: Actors, c: Clock) -> None:
    # promised 7 working days, 10 used: overdue (the legal 15 days still run)
    _accept(case, a, c, 10, 11)
    _review(case, a, c, 8, 16, "急难情形属实，拟给予临时救助")


def _extended(case: Case, a: Actors, c: Clock) -> None:
    # promised 20 + 10 working days, 20 used; the legal 30 + 10 run on
    _accept(case, a, c, 20, 10)
    _review(case, a, c, 18, 15, "申请人配偶在外省务工，收入情况需进一步核实")
    services.extend_limit(actor=a.staff["deptadmin"], case=case, days=10, now=c.at(3, 9, 30),
                          reason="需商请外省民政部门协助核对申请人配偶的收入和财产状况")


def _deemed(case: Case, a: Actors, c: Clock) -> None:
    # no notice within 5 working days of receipt (10 back): accepted on the day the materials came
    services.deem_accepted_overdue(now=c.at(4, 1))


def _joint(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 5, 10)
    _review(case, a, c, 4, 14, "申请人系持证残疾人，户籍在本市，材料齐全")
    _audit(case, a, c, 2, 10, "经核对，申请人家庭为低保边缘家庭，符合困难残疾人生活补贴条件")  # 残联's step waits


def _stopped(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 6, 10)
    _review(case, a, c, 5, 15, "申请重度残疾人护理补贴，需确认护理等级")
    services.stop_clock(actor=a.staff["deptadmin"], case=case, procedure=Procedure.EXPERT_REVIEW,
                        now=c.at(4, 9), reason="组织康复、护理专家对申请人护理需求等级进行评审")


def _corrections(case: Case, a: Actors, c: Clock) -> None:
    services.request_corrections(actor=a.staff["window"], case=case, now=c.at(2, 14), items=[
        {"material": "家庭经济状况核对授权书", "reason": "缺少共同生活家庭成员（配偶）的签名"},
        {"material": "最低生活保障申请书", "reason": "未填写家庭成员的工作单位和月收入"},
    ])


def _approved(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 4, 9)
    _review(case, a, c, 3, 10, "因病致贫情况属实，医疗费用票据已核对")
    _audit(case, a, c, 2, 11, "同意给予临时救助3000元")
    services.decide(actor=a.staff["deptadmin"], case=case, approve=True, now=c.at(1, 15))


def _disapproved(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 24, 10)
    _review(case, a, c, 20, 15, "经家庭经济状况核对，申请人家庭有机动车一辆、商业保险多份")
    _audit(case, a, c, 6, 10, "家庭月人均收入高于本市最低生活保障标准")
    services.decide(actor=a.staff["deptadmin"], case=case, approve=False, now=c.at(5, 16),
                    reason="经家庭经济状况核对，申请人家庭月人均收入高于本市城乡居民最低生活保障标准，不符合《社会救助暂行办法》"
                           "第九条规定的条件")


def _immediate_completed(case: Case, a: Actors, c: Clock) -> None:
    # 即办件: accepted, decided and handed over at the registry the same morning
    _accept(case, a, c, 20, 10)
    services.decide(actor=a.staff["approver"], case=case, approve=True, now=c.at(20, 10, 20))
    services.complete(actor=a.staff["approver"], case=case, delivery_method="window", now=c.at(20, 10, 30))


def _query_completed(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 11, 9)
    _review(case, a, c, 11, 14, "已调取婚姻登记档案")
    _audit(case, a, c, 10, 10, "同意出具婚姻登记档案查询证明")
    services.decide(actor=a.staff["deptadmin"], case=case, approve=True, now=c.at(10, 11))
    services.complete(actor=a.staff["window"], case=case, delivery_method="electronic", now=c.at(10, 14))


def _withdrawn(case: Case, a: Actors, c: Clock) -> None:
    services.withdraw(actor=case.applicant.user, case=case, now=c.at(1, 20), reason="已找到原结婚证，无需补领")


def _refused(case: Case, a: Actors, c: Clock) -> None:
    services.refuse(actor=a.staff["window"], case=case, now=c.at(1, 10),
                    reason="申请人的婚姻登记在江苏省南京市办理，档案不在本登记机关，请向原登记机关或户籍地婚姻登记机关申请")


def _accepted_green(case: Case, a: Actors, c: Clock) -> None:
    _accept(case, a, c, 1, 14)


def _handling(code: str, name: str) -> str:
    return _item(code).handling_items.get(name=name).code


ZX, LH, WJ, ZM = "张晓明", "李华", "王建国", "赵敏"
ADDRESS = "浙江省杭州市西湖区文三路90号"


def scenarios() -> list[Scenario]:
    """Every state of the case workflow, for the four demo citizens and the demo enterprise."""
    dibao = {"household_address": ADDRESS, "residence_address": ADDRESS, "family_size": 3, "monthly_income": 2400,
             "bank_account": "6222021202001234567"}
    canbu = {"disability_category": "肢体", "subsidy_types": ["困难残疾人生活补贴", "重度残疾人护理补贴"],
             "bank_name": "中国农业银行杭州分行", "bank_account": "6228480321234567890"}
    return [
        # the deemed one first: deemed acceptance looks at every case waiting for pre-review
        Scenario("dibao-deemed", WJ, DIBAO, {**dibao, "phone": "13900000003", "family_size": 2, "monthly_income": 1800,
                                             "reason": "本人失业，配偶患病长期住院"}, (10, 9), _deemed),
        Scenario("linshi-submitted", ZX, LINSHI, {"phone": "13900000001", "residence_address": ADDRESS,
                                                  "hardship_type": "急难型", "amount_requested": 5000,
                                                  "hardship": "家中突发火灾，房屋及生活用品受损严重"}, (1, 16)),
        Scenario("dibao-corrections", ZM, DIBAO, {**dibao, "phone": "13900000004", "family_size": 4,
                                                  "monthly_income": 3000, "reason": "配偶因工伤丧失劳动能力"},
                 (3, 10), _corrections),
        Scenario("linshi-accepted", WJ, LINSHI, {"phone": "13900000003", "hardship_type": "支出型",
                                                 "amount_requested": 8000, "hardship": "子女患白血病，自付医疗费用超过家庭年收入"},
                 (2, 9), _accepted_green),
        Scenario("dibao-yellow", ZX, DIBAO, {**dibao, "phone": "13900000001", "monthly_income": 2100,
                                             "reason": "本人患慢性病无法工作，家庭仅靠配偶打零工维持"}, (15, 10), _in_review_yellow),
        Scenario("linshi-red", LH, LINSHI, {"phone": "13900000002", "hardship_type": "急难型", "amount_requested": 3000,
                                            "hardship": "遭遇交通事故，肇事方逃逸，无力支付医疗费用"}, (11, 9), _in_review_red),
        Scenario("canbu-joint", ZX, CANBU, {**canbu, "phone": "13900000001", "disability_card_no": "33010619880312001143",
                                            "disability_grade": "二级"}, (6, 9), _joint),
        Scenario("canbu-expert-review", ZM, CANBU, {**canbu, "phone": "13900000004", "disability_category": "精神",
                                                    "disability_card_no": "33010819951224004462",
                                                    "disability_grade": "一级"}, (7, 10), _stopped),
        Scenario("dibao-extended", LH, DIBAO, {**dibao, "phone": "13900000002", "family_size": 3, "monthly_income": 2600,
                                               "reason": "本人失业，独自抚养两名未成年子女"}, (21, 10), _extended),
        Scenario("linshi-approved", ZM, LINSHI, {"phone": "13900000004", "hardship_type": "支出型", "amount_requested": 3000,
                                                 "hardship": "母亲突发重病住院，医保报销后自付费用较高"}, (5, 10), _approved),
        Scenario("dibao-disapproved", WJ, DIBAO, {**dibao, "phone": "13900000003", "family_size": 4, "monthly_income": 9800,
                                                  "reason": "家庭收入不稳定"}, (25, 9), _disapproved),
        Scenario("buling-immediate", ZX, BULING, {"certificate_kind": "结婚证", "spouse_name": "陈雨", "reason": "遗失",
                                                  "registered_on": "2014-05-20", "registry": "杭州市西湖区民政局婚姻登记处",
                                                  "phone": "13900000001"}, (20, 9), _immediate_completed),
        Scenario("dangan-completed", WJ, DANGAN, {"purpose": "办理不动产登记", "registered_year": 1996,
                                                  "phone": "13900000003"}, (12, 15), _query_completed),
        Scenario("buling-withdrawn", LH, BULING, {"certificate_kind": "结婚证", "spouse_name": "陈明", "reason": "遗失",
                                                  "registered_on": "2019-10-01", "phone": "13900000002"}, (2, 11),
                 _withdrawn),
        Scenario("buling-refused", ZM, BULING, {"certificate_kind": "结婚证", "spouse_name": "周强", "reason": "损毁",
                                                "registered_on": "2020-05-20", "registry": "南京市玄武区民政局婚姻登记处",
                                                "phone": "13900000004"}, (2, 15), _refused),
        # other departments: waiting for their own pre-review
        Scenario("shenfen-submitted", LH, SHENFEN, {"handling_code": _handling(SHENFEN, "丢失补领"),
                                                    "household_address": "浙江省杭州市上城区湖滨街道平海路8号",
                                                    "phone": "13900000002", "collection": "邮政速递",
                                                    "postal_address": "浙江省杭州市上城区湖滨街道平海路8号"}, (0, 9)),
        Scenario("geti-submitted", LH, GETI, {"handling_code": _handling(GETI, "设立登记"),
                                              "business_name": "杭州市上城区李华便利店", "composition": "个人经营",
                                              "business_address": "浙江省杭州市上城区清波街道河坊街122号",
                                              "business_scope": "日用百货、预包装食品零售", "capital": 10,
                                              "employees": 2, "phone": "13900000002"}, (0, 8)),
        Scenario("shipin-agent-submitted", ZM, SHIPIN, {"handling_code": _handling(SHIPIN, "变更"),
                                                        "business_address": "浙江省杭州市西湖区文三路90号1楼",
                                                        "main_business": "单位食堂", "business_items": "热食类食品制售、冷食类食品制售",
                                                        "contact": "赵敏", "phone": "13900000004"}, (1, 11),
                 for_enterprise=True),
        Scenario("shebao-draft", ZX, SHEBAO, {"handling_code": _handling(SHEBAO, "换领"), "phone": "13900000001",
                                              "bank": "杭州银行"}, None),
        Scenario("shengyu-draft", ZM, SHENGYU, {"spouse_name": "周杰", "child_order": 1, "phone": "13900000004"}, None),
        Scenario("shipin-draft", WJ, SHIPIN, {"handling_code": _handling(SHIPIN, "延续"), "main_business": "单位食堂"},
                 None, for_enterprise=True),
    ]


def _exists(s: Scenario, person: Person, item: ImplementationItem, enterprise: Enterprise | None) -> bool:
    if s.submitted is not None:
        return Case.objects.filter(applicant=person, idempotency_key=f"{KEY_PREFIX}{s.slug}").exists()
    # a draft has no key yet: the applicant's case of the item (kept, or submitted since)
    return Case.objects.filter(applicant=person, item__code=item.code, enterprise=enterprise).exists()


def _run(s: Scenario, a: Actors, c: Clock) -> str:
    """"created", "exists", or "skipped" when a deadline falls in a year whose calendar is not loaded."""
    person = a.people[s.person]
    item = _item(s.item)
    enterprise = a.enterprise if s.for_enterprise else None
    if _exists(s, person, item, enterprise):
        return "exists"
    try:
        _make(s, a, c, person, item, enterprise)
    except CalendarNotLoaded as exc:
        # Working-day deadlines need the official holiday schedule of every year they reach
        # (published by 国务院办公厅 each year, imported with zwfw.core.calendar.import_calendar).
        logger.warning("demo case %s skipped: %s", s.slug, exc.message)
        return "skipped"
    return "created"


def _make(s: Scenario, a: Actors, c: Clock, person: Person, item: ImplementationItem,
          enterprise: Enterprise | None) -> None:
    actor = person.user
    with transaction.atomic():
        form = {**services.prefilled_form(actor=actor, item=item, enterprise=enterprise), **s.form}
        draft = services.save_draft(actor=actor, item=item, form_data=form, enterprise=enterprise)
        if s.submitted is None:
            return
        _upload_materials(actor, draft)
        case = services.submit(actor=actor, item=item, form_data=form, draft=draft,
                               idempotency_key=f"{KEY_PREFIX}{s.slug}", now=c.at(*s.submitted))
        if s.then is not None:
            s.then(case, a, c)


def seed_cases_demo(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Forms and steps of the demo items, then the demo cases; returns what was created:
    ``{"forms": n, "steps": n, "cases": n, "skipped": n}`` (zero on a second run). A case whose
    deadline would fall in a year without a loaded holiday calendar is skipped (and logged)."""
    made = ensure_item_forms()
    actors = _actors()
    clock = Clock(now or timezone.now())
    outcomes = [_run(s, actors, clock) for s in scenarios()]
    return {**made, "cases": outcomes.count("created"), "skipped": outcomes.count("skipped")}
