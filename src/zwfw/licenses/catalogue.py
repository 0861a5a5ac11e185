"""The common licence types (证照目录) every node starts with; operators add their own in admin.

Type codes are the defining department's credit code + a 3-digit sequence (GB/T 36904-2018). The
defining departments' codes below are stand-ins with valid GB 32100 check characters, built from
their organisation codes; a node that loads the official national catalogue replaces them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zwfw.core.codes import credit_code_check_char, org_code_check_char
from zwfw.licenses.models import HolderKind, LicenseType


def _ministry_code(org8: str) -> str:
    """1 (机构编制) + 1 (机关) + 100000 (national) + GB 11714 organisation code + check (GB 32100)."""
    first17 = f"11100000{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


SAMR = _ministry_code("00000133")  # 国家市场监督管理总局
MCA = _ministry_code("00000201")  # 民政部
MPS = _ministry_code("00000202")  # 公安部
NHC = _ministry_code("00000203")  # 国家卫生健康委员会
MNR = _ministry_code("00000204")  # 自然资源部
MOHRSS = _ministry_code("00000205")  # 人力资源和社会保障部
MOE = _ministry_code("00000206")  # 教育部
CDPF = _ministry_code("00000207")  # 中国残疾人联合会
MOHURD = _ministry_code("00000208")  # 住房和城乡建设部


def _f(key: str, label: str, kind: str = "text", *, required: bool = True, disclosable: bool = True, mask: str = "") -> dict[str, Any]:
    return {"key": key, "label": label, "type": kind, "required": required, "disclosable": disclosable, "mask": mask}


_HOLDER = _f("holder_name", "姓名")
_HOLDER_ID = _f("holder_id", "公民身份号码", "id_number", mask="id")
_SEX = _f("sex", "性别", required=False)
_BIRTH = _f("birth_date", "出生日期", "date", required=False, mask="date")
_ADDRESS = _f("address", "住址", required=False, mask="address")
_ENTERPRISE = _f("holder_name", "名称")
_CREDIT = _f("holder_id", "统一社会信用代码", "credit_code")
_ISSUED = _f("issue_date", "发证日期", "date")

LICENSE_TYPES: list[dict[str, Any]] = [
    {
        "code": f"{SAMR}001", "name": "营业执照", "holder_kind": HolderKind.ENTERPRISE, "defining": "国家市场监督管理总局",
        "issuers": ["市场监督管理部门"], "years": None,
        "fields": [_ENTERPRISE, _CREDIT, _f("kind", "类型"), _f("legal_representative", "法定代表人", mask="name"),
                   _f("registered_capital", "注册资本"), _f("established", "成立日期", "date"), _f("address", "住所"),
                   _f("business_scope", "经营范围"), _ISSUED],
    },
    {
        "code": f"{SAMR}002", "name": "食品经营许可证", "holder_kind": HolderKind.ENTERPRISE, "defining": "国家市场监督管理总局",
        "issuers": ["市场监督管理部门"], "years": 5,
        "fields": [_ENTERPRISE, _CREDIT, _f("legal_representative", "法定代表人", mask="name"), _f("address", "经营场所"),
                   _f("main_business", "主体业态"), _f("business_items", "经营项目"), _ISSUED],
    },
    {
        "code": f"{MCA}001", "name": "结婚证", "holder_kind": HolderKind.PERSON, "defining": "民政部",
        "issuers": ["民政部门"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _f("spouse_name", "配偶姓名", mask="name"),
                   _f("spouse_id", "配偶公民身份号码", "id_number", disclosable=False, mask="id"),
                   _f("registered_on", "登记日期", "date"), _f("certificate_no", "结婚证字号")],
    },
    {
        "code": f"{MCA}002", "name": "离婚证", "holder_kind": HolderKind.PERSON, "defining": "民政部",
        "issuers": ["民政部门"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _f("former_spouse_name", "原配偶姓名", mask="name"),
                   _f("registered_on", "登记日期", "date"), _f("certificate_no", "离婚证字号")],
    },
    {
        "code": f"{NHC}001", "name": "出生医学证明", "holder_kind": HolderKind.PERSON, "defining": "国家卫生健康委员会",
        "issuers": ["卫生健康部门", "助产机构"], "years": None,
        "fields": [_HOLDER, _SEX, _f("birth_date", "出生日期", "date"), _f("birth_place", "出生地点"),
                   _f("mother_name", "母亲姓名", mask="name"), _f("father_name", "父亲姓名", required=False, mask="name"),
                   _f("certificate_no", "出生医学证明编号")],
    },
    {
        "code": f"{MPS}001", "name": "居民户口簿", "holder_kind": HolderKind.PERSON, "defining": "公安部",
        "issuers": ["公安机关"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _SEX, _BIRTH, _f("relation", "与户主关系"), _ADDRESS, _f("household_no", "户号")],
    },
    {
        "code": f"{MPS}002", "name": "居住证", "holder_kind": HolderKind.PERSON, "defining": "公安部",
        "issuers": ["公安机关"], "years": 1,
        "fields": [_HOLDER, _HOLDER_ID, _SEX, _ADDRESS, _ISSUED],
    },
    {
        "code": f"{MPS}003", "name": "机动车驾驶证", "holder_kind": HolderKind.PERSON, "defining": "公安部",
        "issuers": ["公安机关交通管理部门"], "years": 6,
        "fields": [_HOLDER, _HOLDER_ID, _SEX, _f("vehicle_class", "准驾车型"), _f("first_issue", "初次领证日期", "date"),
                   _f("file_no", "档案编号", disclosable=False)],
    },
    {
        "code": f"{MNR}001", "name": "不动产权证书", "holder_kind": HolderKind.PERSON, "defining": "自然资源部",
        "issuers": ["不动产登记机构"], "years": None,
        "fields": [_f("holder_name", "权利人"), _HOLDER_ID, _f("ownership", "共有情况"),
                   _f("location", "坐落", mask="address"), _f("unit_no", "不动产单元号"), _f("right_type", "权利类型"),
                   _f("area", "面积", "number"), _f("certificate_no", "不动产权证书号")],
    },
    {
        "code": f"{MOHRSS}001", "name": "社会保障卡", "holder_kind": HolderKind.PERSON, "defining": "人力资源和社会保障部",
        "issuers": ["人力资源社会保障部门"], "years": 10,
        "fields": [_HOLDER, _HOLDER_ID, _f("card_no", "社会保障卡卡号", mask="partial"), _ISSUED],
    },
    {
        "code": f"{MOE}001", "name": "学位证书", "holder_kind": HolderKind.PERSON, "defining": "教育部",
        "issuers": ["学位授予单位"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _f("degree", "学位"), _f("discipline", "学科门类"), _f("institution", "授予单位"),
                   _f("certificate_no", "证书编号"), _f("awarded_on", "授予日期", "date")],
    },
    {
        "code": f"{MOE}002", "name": "教师资格证书", "holder_kind": HolderKind.PERSON, "defining": "教育部",
        "issuers": ["教育行政部门"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _f("kind", "资格种类"), _f("subject", "任教学科"), _f("certificate_no", "证书号码"), _ISSUED],
    },
    {
        "code": f"{CDPF}001", "name": "残疾人证", "holder_kind": HolderKind.PERSON, "defining": "中国残疾人联合会",
        "issuers": ["残疾人联合会"], "years": 10,
        "fields": [_HOLDER, _HOLDER_ID, _f("category", "残疾类别", disclosable=False), _f("grade", "残疾等级", disclosable=False),
                   _ADDRESS, _ISSUED],
    },
    {
        "code": f"{NHC}002", "name": "医师执业证书", "holder_kind": HolderKind.PERSON, "defining": "国家卫生健康委员会",
        "issuers": ["卫生健康部门"], "years": None,
        "fields": [_HOLDER, _HOLDER_ID, _f("practice_type", "执业类别"), _f("practice_scope", "执业范围"),
                   _f("practice_place", "主要执业机构"), _f("certificate_no", "证书编码"), _ISSUED],
    },
    {
        "code": f"{MOHURD}001", "name": "建筑业企业资质证书", "holder_kind": HolderKind.ENTERPRISE, "defining": "住房和城乡建设部",
        "issuers": ["住房城乡建设部门"], "years": 5,
        "fields": [_ENTERPRISE, _CREDIT, _f("legal_representative", "法定代表人", mask="name"), _f("qualification", "资质类别及等级"),
                   _f("certificate_no", "证书编号"), _ISSUED],
    },
    {
        "code": f"{SAMR}003", "name": "药品经营许可证", "holder_kind": HolderKind.ENTERPRISE, "defining": "国家药品监督管理局",
        "issuers": ["药品监督管理部门"], "years": 5,
        "fields": [_ENTERPRISE, _CREDIT, _f("legal_representative", "法定代表人", mask="name"), _f("address", "注册地址"),
                   _f("business_scope", "经营范围"), _ISSUED],
    },
]


# 颁发部门类别: the words by which a department's name says it is of a kind that issues a type. A
# Chinese government body is named for what it is (杭州市公安局, 浙江省教育厅, 杭州市人力资源和社会保障局),
# so its name tells its kind while the departments' catalogue records none. A kind not listed here
# is matched by its own words without the generic ending (退役军人事务部门 -> 退役军人事务).
ISSUER_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "市场监督管理部门": ("市场监督管理", "市场监管"),
    "民政部门": ("民政",),
    "卫生健康部门": ("卫生健康", "卫生和计划生育"),
    "助产机构": ("医院", "妇幼保健", "卫生院"),
    "公安机关": ("公安",),
    "公安机关交通管理部门": ("交通警察", "交通管理"),
    "不动产登记机构": ("不动产登记", "自然资源"),  # the 不动产登记 office of the 自然资源 department
    "人力资源社会保障部门": ("人力资源和社会保障", "人力资源社会保障"),
    "学位授予单位": ("大学", "学院", "研究院", "研究所"),
    "教育行政部门": ("教育厅", "教育局", "教育委员会", "教育部"),
    "残疾人联合会": ("残疾人联合会",),
    "住房城乡建设部门": ("住房和城乡建设", "住房城乡建设", "城乡建设"),
    # retail drug licences are issued by the cities' and counties' drug supervision, which is their
    # 市场监督管理局; wholesale by the province's 药品监督管理局
    "药品监督管理部门": ("药品监督管理", "市场监督管理"),
}


def is_of_kind(department_name: str, kind: str) -> bool:
    """Whether a department of this name is of ``kind`` (颁发部门类别), by ``ISSUER_KIND_WORDS``.

    A kind the table does not know (a type added through the admin, a free-text kind) restricts
    nothing: its department names cannot be told from the words, and refusing would keep every
    department, the lawful issuer too, from issuing the type (and from approving its cases)."""
    words = ISSUER_KIND_WORDS.get(kind.strip())
    if words is None:
        return True
    return any(word in department_name for word in words)


@transaction.atomic
def ensure_license_types() -> int:
    """Create the common types that are missing; returns how many were created."""
    created = 0
    for row in LICENSE_TYPES:
        _, made = LicenseType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "holder_kind": row["holder_kind"],
                "defining_department": row["defining"],
                "issuing_department_kinds": row["issuers"],
                "fields": row["fields"],
                "validity_years": row["years"],
            },
        )
        created += made
    return created
