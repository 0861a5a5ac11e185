"""Building blocks shared by the demo item lists: credit codes, licence types, materials, places.

All credit codes here are FICTIONAL (subject identifiers start with ``K``) but carry valid
GB 11714 and GB 32100 check characters; ID numbers of sample persons are fictional with
valid GB 11643 check characters.

Legal bases: laws, administrative regulations and department rules are cited by their real names,
with an article only where the article number is certain. Titles of local normative documents
(``杭州市……办法``, ``浙江省……细则``) are illustrative of what a local guide cites and are not verified.
Addresses other than the 杭州市民中心 (解放东路18号) and 省府路8号 are simplified, and phone numbers
other than the national hotlines (12345, 12333, 12329, 12366, 12348, 12315, 12369) are fictional.
"""

from __future__ import annotations

from typing import Any

# --- implementing bodies (see departments.py for the full rows) --------------------------------
GAT = "11330000K33001013E"  # 浙江省公安厅
MZT = "11330000K330010219"  # 浙江省民政厅
RST = "11330000K3300103X1"  # 浙江省人力资源和社会保障厅
SCJ = "11330000K330010481"  # 浙江省市场监督管理局
YBJ = "11330000K33001056U"  # 浙江省医疗保障局
WJW = "11330000K33001064N"  # 浙江省卫生健康委员会
JST = "11330000K33001072H"  # 浙江省住房和城乡建设厅
ZRT = "11330000K33001080C"  # 浙江省自然资源厅
JTT = "11330000K330010999"  # 浙江省交通运输厅
JYT = "11330000K33001101W"  # 浙江省教育厅
SWS = "11330000K3300111XL"  # 国家税务总局浙江省税务局
SFT = "11330000K33001128L"  # 浙江省司法厅
TYT = "11330000K33001136F"  # 浙江省退役军人事务厅
CL = "13330000K330011444"  # 浙江省残疾人联合会 (群众团体: category 3)
STHJ = "11330000K330011525"  # 浙江省生态环境厅
YJJ = "11330000K330011600"  # 浙江省药品监督管理局
HZGA = "11330100K33010016D"  # 杭州市公安局
HZCRJ = "11330100K330100248"  # 杭州市公安局出入境管理局
HZJJ = "11330100K330100323"  # 杭州市公安局交通警察支队
HZMZ = "11330100K33010040X"  # 杭州市民政局
HZRS = "11330100K33010059T"  # 杭州市人力资源和社会保障局
HZSJ = "11330100K33010067M"  # 杭州市市场监督管理局
HZYB = "11330100K33010075G"  # 杭州市医疗保障局
HZGJJ = "12330100K330100838"  # 杭州住房公积金管理中心 (事业单位: category 2)
HZGZ = "11330100K330100916"  # 杭州市规划和自然资源局
HZWJ = "11330100K33010104U"  # 杭州市卫生健康委员会
HZJT = "11330100K33010112N"  # 杭州市交通运输局
HZFG = "11330100K33010120H"  # 杭州市住房保障和房产管理局
HZJY = "11330100K33010139E"  # 杭州市教育局
HZSF = "11330100K330101479"  # 杭州市司法局
HZCL = "13330100K33010155X"  # 杭州市残疾人联合会
HZSW = "11330100K33010163Y"  # 国家税务总局杭州市税务局
HZTY = "11330100K33010171R"  # 杭州市退役军人事务局
HZJW = "11330100K3301018XH"  # 杭州市城乡建设委员会
HZST = "11330100K33010198H"  # 杭州市生态环境局

# --- national bodies that define electronic licence types (GB/T 36904), fictional codes --------
MPS = "11100000K100000186"  # 公安部
MCA = "11100000K100000261"  # 民政部
MOHRSS = "11100000K10000034U"  # 人力资源社会保障部
SAMR = "11100000K10000042N"  # 国家市场监督管理总局
MNR = "11100000K10000050H"  # 自然资源部
NHC = "11100000K10000069E"  # 国家卫生健康委员会
MOE = "11100000K100000779"  # 教育部
MVA = "11100000K100000854"  # 退役军人事务部
CDPF = "13100000K10000093Q"  # 中国残疾人联合会
MOHURD = "11100000K10000106L"  # 住房和城乡建设部
MOT = "11100000K10000114F"  # 交通运输部
NMPA = "11100000K100001305"  # 国家药品监督管理局
MOJ = "11100000K100001492"  # 司法部

LICENSE_DEFINERS = (MPS, MCA, MOHRSS, SAMR, MNR, NHC, MOE, MVA, CDPF, MOHURD, MOT, NMPA, MOJ)

# 证照类型代码 = defining body's credit code + 3-digit sequence (GB/T 36904-2018).
LT_ID_CARD = MPS + "001"  # 居民身份证
LT_HUKOU = MPS + "002"  # 居民户口簿
LT_DRIVER = MPS + "011"  # 机动车驾驶证
LT_VEHICLE = MPS + "012"  # 机动车行驶证
LT_PASSPORT = MPS + "021"  # 普通护照
LT_HK_MACAO = MPS + "022"  # 往来港澳通行证
LT_MARRIAGE = MCA + "001"  # 结婚证
LT_DIVORCE = MCA + "002"  # 离婚证
LT_SSC = MOHRSS + "001"  # 社会保障卡
LT_JOB_CARD = MOHRSS + "002"  # 就业创业证
LT_BIZ = SAMR + "001"  # 营业执照
LT_FOOD_BIZ = SAMR + "011"  # 食品经营许可证
LT_FOOD_PROD = SAMR + "012"  # 食品生产许可证
LT_PROPERTY = MNR + "001"  # 不动产权证书
LT_PROPERTY_PROOF = MNR + "002"  # 不动产登记证明
LT_BIRTH = NHC + "001"  # 出生医学证明
LT_DOCTOR = NHC + "011"  # 医师执业证书
LT_NURSE = NHC + "012"  # 护士执业证书
LT_MED_INST = NHC + "021"  # 医疗机构执业许可证
LT_DIPLOMA = MOE + "001"  # 学历证书
LT_TEACHER = MOE + "011"  # 教师资格证书
LT_VETERAN_CARD = MVA + "001"  # 退役军人优待证
LT_DISABILITY = CDPF + "001"  # 中华人民共和国残疾人证
LT_BUILD_PERMIT = MOHURD + "001"  # 建筑工程施工许可证
LT_CONSTRUCT_QUAL = MOHURD + "011"  # 建筑业企业资质证书
LT_ROAD_TRANSPORT = MOT + "001"  # 道路运输经营许可证
LT_ROAD_VEHICLE = MOT + "002"  # 道路运输证
LT_DRUG_BIZ = NMPA + "001"  # 药品经营许可证
LT_LAWYER = MOJ + "001"  # 律师执业证

# --- places, hours, phones -----------------------------------------------------------------------
HOURS = "周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）"
HOURS_SAT = "周一至周五 9:00-17:00，周六 9:00-12:00（法定节假日除外）"
HOURS_WEEKEND = "周一至周日 9:00-17:00（除夕至正月初三除外）"
HOURS_ONLINE = "全天24小时网上申请（浙里办 APP、浙江政务服务网）"

HZ_CIVIC_CENTRE = {
    "name": "杭州市民之家（杭州市行政服务中心）综合受理窗口",
    "address": "杭州市上城区解放东路18号市民中心",
    "hours": HOURS_SAT,
}
ZJ_SERVICE_CENTRE = {
    "name": "浙江政务服务中心",
    "address": "杭州市西湖区省府路8号",
    "hours": HOURS,
}
ONLINE_PLACE = {
    "name": "浙江政务服务网 / 浙里办 APP",
    "address": "https://www.zjzwfw.gov.cn/",
    "hours": HOURS_ONLINE,
}


def place(name: str, address: str, hours: str = HOURS) -> dict[str, str]:
    return {"name": name, "address": address, "hours": hours}


def basis(kind: str, name: str, article: str = "") -> dict[str, str]:
    """设定依据. ``article`` is given only where the article number is certain."""
    return {"kind": kind, "name": name, "article": article}


def law(name: str, article: str = "") -> dict[str, str]:
    return basis("law", name, article)


def reg(name: str, article: str = "") -> dict[str, str]:
    return basis("admin_regulation", name, article)


def rule(name: str, article: str = "") -> dict[str, str]:
    return basis("department_rule", name, article)


def norm(name: str, article: str = "") -> dict[str, str]:
    return basis("normative_document", name, article)


def local(name: str, article: str = "") -> dict[str, str]:
    return basis("local_regulation", name, article)


def fee(name: str, standard: str, basis_text: str) -> dict[str, str]:
    return {"name": name, "standard": standard, "basis": basis_text}


# --- materials -----------------------------------------------------------------------------------
def mat(
    name: str,
    *,
    source: str = "applicant",
    cond: str = "",
    optional: bool = False,
    orig: int = 1,
    copy: int = 0,
    electronic: bool = True,
    lic: str = "",
    res: str = "",
    body: str = "",
    form: str = "",
    notes: str = "",
    handling: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One 申请材料. ``cond`` makes it 情形必要; ``form`` names a blank form in forms.FORMS.

    ``handling`` lists the two-digit suffixes of the handling items it applies to (empty = all).
    """
    requirement = "conditional" if cond else ("optional" if optional else "required")
    return {
        "name": name,
        "source": source,
        "requirement": requirement,
        "condition": cond,
        "paper_original_count": orig,
        "paper_copy_count": copy,
        "electronic": electronic,
        "license_type_code": lic,
        "shared_resource": res,
        "issuing_body": body,
        "handling_codes": list(handling),
        "notes": notes,
        "blank_form": f"catalog/forms/{form}.xlsx" if form else "",
        "sample": f"catalog/samples/{form}-sample.xlsx" if form else "",
    }


def lic_mat(name: str, lic: str, *, cond: str = "", notes: str = "", handling: tuple[str, ...] = ()) -> dict:
    """A material taken from the 电子证照库: 免提交 (no paper)."""
    return mat(
        name,
        source="e_license",
        lic=lic,
        cond=cond,
        orig=0,
        notes=notes or "已归集电子证照的，免于提交，由系统自动调取",
        handling=handling,
    )


def shared(name: str, resource: str, *, cond: str = "", notes: str = "") -> dict:
    """A material obtained through 数据共享: 免提交."""
    return mat(
        name,
        source="shared_data",
        res=resource,
        cond=cond,
        orig=0,
        notes=notes or "通过数据共享获取，申请人无需提交",
    )


def issued(
    name: str,
    body: str,
    *,
    cond: str = "",
    orig: int = 1,
    copy: int = 0,
    notes: str = "",
    handling: tuple[str, ...] = (),
) -> dict:
    """A material issued by another government body (or a body acting for it)."""
    return mat(
        name, source="department", body=body, cond=cond, orig=orig, copy=copy, notes=notes, handling=handling
    )


def ID_CARD(cond: str = "", who: str = "申请人") -> dict:
    return lic_mat(f"{who}居民身份证", LT_ID_CARD, cond=cond)


def HUKOU(cond: str = "") -> dict:
    return lic_mat("居民户口簿", LT_HUKOU, cond=cond)


def BIZ_LICENSE(cond: str = "") -> dict:
    return lic_mat("营业执照", LT_BIZ, cond=cond)


AGENT_MATS = [
    mat("授权委托书", cond="委托他人代为办理的", notes="须载明委托事项、权限和期限，由委托人签名"),
    lic_mat("代理人居民身份证", LT_ID_CARD, cond="委托他人代为办理的"),
]
LEGAL_REP_MATS = [
    mat("法定代表人（负责人）身份证明", orig=1, notes="电子营业执照登录办理的免于提交"),
    mat("经办人授权委托书", cond="非法定代表人本人办理的", notes="加盖单位公章"),
]

# shared-data resources (统一数据共享 resource names)
RES_HUKOU = "省公安厅·人口基础信息（户籍信息）"
RES_MARRIAGE = "民政部·婚姻登记信息"
RES_SOCIAL = "省人力社保厅·社会保险参保缴费信息"
RES_MEDICAL = "省医保局·基本医疗保险参保信息"
RES_FUND = "杭州住房公积金管理中心·住房公积金缴存信息"
RES_PROPERTY = "省自然资源厅·不动产登记信息"
RES_ENTERPRISE = "省市场监管局·市场主体登记信息"
RES_TAX = "省税务局·纳税及欠税信息"
RES_DEATH = "省卫生健康委·居民死亡医学证明信息"
RES_SUBSIST = "省民政厅·最低生活保障对象信息"
RES_EDU = "教育部·高等教育学历学位信息"
RES_BIRTH = "省卫生健康委·出生医学证明信息"
RES_DISABILITY = "省残联·残疾人基础信息"
RES_VETERAN = "省退役军人事务厅·退役军人信息"
RES_EMPLOY = "省人力社保厅·就业失业登记信息"
RES_CREDIT = "省发展改革委·公共信用信息"
RES_HOUSING = "杭州市住房保障和房产管理局·房屋网签备案信息"
