"""The demo items' application forms (JSON Schema with the layout and prefill) and approval steps,
kept on the items' current published versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zwfw.cases import forms
from zwfw.cases.models import ItemForm, ItemStep, StepKind
from zwfw.catalog.models import Department, ImplementationItem
from zwfw.catalog.selectors import published_items
from zwfw.identity.models import StaffRole

# --- items ----------------------------------------------------------------------------------------

HZMZ = "11330100K33010040X"  # 杭州市民政局 (the demo staff's department)
HZCL = "13330100K33010155X"  # 杭州市残疾人联合会

DIBAO = "11330100K33010040X0002020010001"  # 最低生活保障审核确认
LINSHI = "11330100K33010040X0002020030001"  # 临时救助
CANBU = "11330100K33010040X0002020100001"  # 困难残疾人生活补贴和重度残疾人护理补贴 (民政 + 残联 联办)
BULING = "11330100K33010040X0002010010031"  # 补领婚姻登记证 (即办件)
DANGAN = "11330100K33010040X0002010020001"  # 婚姻登记档案查询
SHENFEN = "11330100K33010016D0001050010001"  # 居民身份证申领 (杭州市公安局)
SHEBAO = "11330100K33010059T0003010010001"  # 社会保障卡申领 (杭州市人力社保局)
SHENGYU = "11330100K33010104U0006010010001"  # 生育登记 (杭州市卫生健康委, 即办件)
GETI = "11330100K33010067M0004020010001"  # 个体工商户登记 (杭州市市场监管局, 即办件)
SHIPIN = "11330100K33010067M0004100010001"  # 食品经营许可 (杭州市市场监管局, 法人)

PHONE = {"type": "string", "title": "联系电话", "pattern": r"^1[3-9]\d{9}$"}
ID_PATTERN = r"^\d{17}[\dX]$"


def _text(title: str, max_length: int = 200, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "maxLength": max_length, **extra}


def _choice(title: str, *values: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "enum": list(values)}


PERSON_FIELDS = {"applicant_name": _text("申请人姓名", 50), "id_number": _text("公民身份号码", 18)}
PERSON_PREFILL = {"applicant_name": "person.name", "id_number": "person.document_number"}


@dataclass(frozen=True)
class FormSpec:
    properties: dict[str, Any]
    required: tuple[str, ...]
    prefill: dict[str, str]
    handling: bool = False  # a 办理情形 field (``handling_code``) choosing the item's handling item


FORMS: dict[str, FormSpec] = {
    DIBAO: FormSpec(
        {
            **PERSON_FIELDS,
            "phone": PHONE,
            "household_address": _text("户籍地址"),
            "residence_address": _text("现居住地址"),
            "family_size": {"type": "integer", "title": "共同生活家庭成员人数", "minimum": 1, "maximum": 20},
            "monthly_income": {"type": "number", "title": "家庭月总收入（元）", "minimum": 0},
            "reason": _text("申请理由", 500),
            "bank_account": _text("救助金发放账户（银行卡号）", 30),
        },
        ("applicant_name", "id_number", "phone", "household_address", "family_size", "monthly_income", "reason"),
        PERSON_PREFILL,
    ),
    LINSHI: FormSpec(
        {
            **PERSON_FIELDS,
            "phone": PHONE,
            "residence_address": _text("现居住地址"),
            "hardship_type": _choice("困难类型", "急难型", "支出型"),
            "hardship": _text("困难情况说明", 500),
            "amount_requested": {"type": "number", "title": "申请救助金额（元）", "minimum": 0, "maximum": 100000},
            "bank_account": _text("救助金发放账户（银行卡号）", 30),
        },
        ("applicant_name", "id_number", "phone", "hardship_type", "hardship"),
        PERSON_PREFILL,
    ),
    CANBU: FormSpec(
        {
            **PERSON_FIELDS,
            "phone": PHONE,
            "disability_card_no": _text("残疾人证号", 20),
            "disability_category": _choice("残疾类别", "视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
            "disability_grade": _choice("残疾等级", "一级", "二级", "三级", "四级"),
            "subsidy_types": {
                "type": "array",
                "title": "申请补贴类型",
                "items": _choice("补贴", "困难残疾人生活补贴", "重度残疾人护理补贴"),
                "minItems": 1,
                "uniqueItems": True,
            },
            "bank_name": _text("开户银行", 50),
            "bank_account": _text("银行账号", 30),
        },
        ("applicant_name", "id_number", "phone", "disability_card_no", "disability_grade", "subsidy_types",
         "bank_account"),
        PERSON_PREFILL,
    ),
    BULING: FormSpec(
        {
            **PERSON_FIELDS,
            "certificate_kind": _choice("补领证件", "结婚证", "离婚证"),
            "spouse_name": _text("对方姓名", 50),
            "registered_on": {"type": "string", "title": "原登记日期", "format": "date"},
            "registry": _text("原登记机关"),
            "reason": _choice("补领原因", "遗失", "损毁"),
            "phone": PHONE,
        },
        ("applicant_name", "id_number", "certificate_kind", "spouse_name", "registered_on", "reason"),
        PERSON_PREFILL,
    ),
    DANGAN: FormSpec(
        {
            **PERSON_FIELDS,
            "purpose": _choice("查询用途", "办理不动产登记", "办理户籍业务", "诉讼", "其他"),
            "registered_year": {"type": "integer", "title": "登记年份", "minimum": 1950, "maximum": 2100},
            "phone": PHONE,
        },
        ("applicant_name", "id_number", "purpose"),
        PERSON_PREFILL,
    ),
    SHENFEN: FormSpec(
        {
            **PERSON_FIELDS,
            "household_address": _text("户籍地址"),
            "phone": PHONE,
            "collection": _choice("领证方式", "窗口领取", "邮政速递"),
            "postal_address": _text("邮寄地址"),
        },
        ("applicant_name", "id_number", "handling_code", "household_address", "phone", "collection"),
        PERSON_PREFILL,
        handling=True,
    ),
    SHEBAO: FormSpec(
        {
            **PERSON_FIELDS,
            "phone": PHONE,
            "bank": _choice("合作银行", "中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "杭州银行"),
            "postal_address": _text("邮寄地址"),
        },
        ("applicant_name", "id_number", "handling_code", "phone", "bank"),
        PERSON_PREFILL,
        handling=True,
    ),
    SHENGYU: FormSpec(
        {
            **PERSON_FIELDS,
            "spouse_name": _text("配偶姓名", 50),
            "spouse_id_number": _text("配偶公民身份号码", 18, pattern=ID_PATTERN),
            "married_on": {"type": "string", "title": "结婚登记日期", "format": "date"},
            "child_order": {"type": "integer", "title": "本次登记为第几个子女", "minimum": 1, "maximum": 10},
            "expected_on": {"type": "string", "title": "预产期", "format": "date"},
            "phone": PHONE,
        },
        ("applicant_name", "id_number", "spouse_name", "spouse_id_number", "child_order", "phone"),
        PERSON_PREFILL,
    ),
    GETI: FormSpec(
        {
            "operator_name": _text("经营者姓名", 50),
            "operator_id_number": _text("经营者公民身份号码", 18),
            "business_name": _text("个体工商户名称", 60),
            "composition": _choice("组成形式", "个人经营", "家庭经营"),
            "business_address": _text("经营场所"),
            "business_scope": _text("经营范围", 500),
            "capital": {"type": "number", "title": "资金数额（万元）", "minimum": 0},
            "employees": {"type": "integer", "title": "从业人数", "minimum": 1, "maximum": 100},
            "phone": PHONE,
        },
        ("operator_name", "operator_id_number", "handling_code", "composition", "business_address",
         "business_scope", "phone"),
        {"operator_name": "person.name", "operator_id_number": "person.document_number"},
        handling=True,
    ),
    SHIPIN: FormSpec(
        {
            "enterprise_name": _text("经营者名称", 100),
            "credit_code": _text("统一社会信用代码", 18),
            "legal_representative": _text("法定代表人（负责人）", 50),
            "business_address": _text("经营场所"),
            "main_business": _choice("主体业态", "食品销售经营者", "餐饮服务经营者", "单位食堂"),
            "business_items": _text("经营项目", 300),
            "contact": _text("联系人", 50),
            "phone": PHONE,
        },
        ("enterprise_name", "credit_code", "legal_representative", "handling_code", "business_address",
         "main_business", "phone"),
        {"enterprise_name": "enterprise.name", "credit_code": "enterprise.credit_code",
         "legal_representative": "enterprise.legal_representative"},
        handling=True,
    ),
}

A, H = StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN
# (stage, kind, department credit code or "" for the item's own, role). 审查 -> 审核 -> 决定.
STANDARD_STEPS = [(1, StepKind.REVIEW, "", A), (2, StepKind.AUDIT, "", H), (3, StepKind.DECISION, "", H)]
STEPS: dict[str, list[tuple[int, str, str, str]]] = {
    **{code: STANDARD_STEPS for code in (DIBAO, LINSHI, DANGAN, SHENFEN, SHEBAO, SHIPIN)},
    # 联办: 民政 checks the family's means while 残联 confirms the disability grade, in parallel
    CANBU: [(1, StepKind.REVIEW, "", A), (2, StepKind.AUDIT, "", H), (2, StepKind.AUDIT, HZCL, A),
            (3, StepKind.DECISION, "", H)],
    # 即办件: only the decision is kept (the services skip the rest); the registrar decides on the spot
    **{code: [(1, StepKind.REVIEW, "", A), (2, StepKind.DECISION, "", A)] for code in (BULING, SHENGYU, GETI)},
}


def _schema(item: ImplementationItem, spec: FormSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    properties = dict(spec.properties)
    order = list(spec.properties)
    if spec.handling:
        handling = list(item.handling_items.order_by("sort_order", "id").values_list("code", "name"))
        properties["handling_code"] = {
            "type": "string", "title": "办理情形", "enum": [code for code, _ in handling],
            "x-enum-titles": [name for _, name in handling],
        }
        order.insert(len(spec.prefill), "handling_code")
    schema = {"type": "object", "title": item.name, "properties": properties, "required": list(spec.required),
              "additionalProperties": False}
    return schema, {"order": order, "prefill": dict(spec.prefill)}


def _item(code: str) -> ImplementationItem:
    return published_items().select_related("department").get(code=code)


def ensure_item_forms() -> dict[str, int]:
    """Forms and steps of the demo items' current versions (kept when there already)."""
    made = {"forms": 0, "steps": 0}
    departments = {d.credit_code: d for d in Department.objects.filter(credit_code__in=[HZCL])}
    for code, spec in FORMS.items():
        item = _item(code)
        if not ItemForm.objects.filter(item=item).exists():
            schema, layout = _schema(item, spec)
            forms.check_schema(schema, layout)
            ItemForm.objects.create(item=item, schema=schema, layout=layout)
            made["forms"] += 1
        for stage, kind, department_code, role in STEPS[code]:
            department = departments[department_code] if department_code else item.department
            _, created = ItemStep.objects.get_or_create(
                item=item, stage=stage, department=department, defaults={"kind": kind, "role": role}
            )
            made["steps"] += created
    return made
