"""A small, realistic published catalogue built with the ORM, and portal-wide test settings."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    Material,
    Topic,
)

HRSS = "11330000002482170X"  # 浙江省人力资源和社会保障厅 (test code)
POLICE = "113300000024821603"  # 浙江省公安厅
MARKET = "11330000MB1A23456C"  # 浙江省市场监督管理局

SBK_CODE = f"{HRSS}0001000000001"  # 社会保障卡申领
ID_CARD_CODE = f"{POLICE}0002000000001"  # 居民身份证申领
COMPANY_CODE = f"{MARKET}0003000000001"  # 企业设立登记
FLEX_CODE = f"{HRSS}0001000000002"  # 灵活就业人员参保登记
DRAFT_CODE = f"{HRSS}0001000000099"  # a draft, never shown

FORM_PATH = "catalog/forms/sbk-application.xlsx"
SAMPLE_PATH = "catalog/samples/sbk-sample.pdf"
DRAFT_FORM_PATH = "catalog/forms/draft-only.xlsx"
ORPHAN_PATH = "catalog/forms/orphan.xlsx"


def _reindex(item: ImplementationItem) -> None:
    try:
        search = importlib.import_module("zwfw.catalog.search")
    except ImportError:
        return
    hook = getattr(search, "reindex_item", None)
    if hook is not None:
        hook(item)


def _pinyin(*texts: str) -> tuple[str, str]:
    full = " ".join("".join(lazy_pinyin(t)).lower() for t in texts if t)
    initials = " ".join("".join(lazy_pinyin(t, style=Style.FIRST_LETTER)).lower() for t in texts if t)
    return full, initials


def make_item(
    *,
    code: str,
    name: str,
    department: Department,
    base: BaseItem,
    topics: list[Topic] = (),  # type: ignore[assignment]
    materials: list[dict[str, Any]] = (),  # type: ignore[assignment]
    handling: list[tuple[str, str]] = (),  # type: ignore[assignment]
    **overrides: Any,
) -> ImplementationItem:
    """A published implementation item with sensible guide elements; overrides replace any field."""
    fields: dict[str, Any] = {
        "version": 1,
        "status": "published",
        "region_code": "330000",
        "kind": base.kind,
        "exercise_level": "provincial",
        "audience": "person",
        "aliases": [],
        "summary": "",
        "legal_bases": base.legal_bases,
        "conditions": "符合条件的申请人均可申请。",
        "process": [
            {"name": "申请", "description": "网上或窗口提交申请"},
            {"name": "受理", "description": ""},
        ],
        "legal_limit_days": base.legal_limit_days,
        "promised_limit_days": min(5, base.legal_limit_days),
        "handling_type": "promised",
        "is_free": True,
        "fees": [],
        "visits_required": 1,
        "online_depth": 3,
        "channels": ["web", "window"],
        "places": [
            {"name": "省政务服务中心", "address": "杭州市上城区市民街200号", "hours": "工作日 9:00-17:00"}
        ],
        "cross_region_scope": "province",
        "consult_phone": "0571-12333",
        "complaint_phone": "0571-12345",
        "result_name": "",
        "result_type": "other",
        "delivery_methods": ["window"],
        "popularity": 10,
        "published_at": timezone.now(),
    }
    fields.update(overrides)
    fields["pinyin_full"], fields["pinyin_initials"] = _pinyin(name, *fields["aliases"])
    item = ImplementationItem.objects.create(
        code=code, name=name, department=department, base_item=base, **fields
    )
    item.topics.set(topics)
    for index, (suffix, variant_name) in enumerate(handling):
        variant, hname = variant_name.split(":", 1)
        HandlingItem.objects.create(
            item=item, code=f"{code}{suffix}", name=hname, variant=variant, sort_order=index
        )
    for index, material in enumerate(materials):
        Material.objects.create(item=item, sort_order=index, **material)
    if item.status == "published":
        _reindex(item)
    return item


@dataclass
class Catalogue:
    hrss: Department
    police: Department
    market: Department
    social: Topic
    birth: Topic
    start_business: Topic
    sbk: ImplementationItem
    id_card: ImplementationItem
    company: ImplementationItem
    flex: ImplementationItem
    draft: ImplementationItem
    bases: dict[str, BaseItem] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    """Plain static storage (no collectstatic in tests), media in a temporary directory, a clean cache."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(db) -> Catalogue:
    for path, content in (
        (FORM_PATH, b"PK\x03\x04 blank form"),
        (SAMPLE_PATH, b"%PDF-1.4 sample"),
        (DRAFT_FORM_PATH, b"draft"),
        (ORPHAN_PATH, b"orphan"),
    ):
        default_storage.save(path, ContentFile(content))

    hrss = Department.objects.create(
        credit_code=HRSS, name="浙江省人力资源和社会保障厅", short_name="省人力社保厅", region_code="330000",
        level="provincial", consult_phone="0571-12333", complaint_phone="0571-12345",
        address="杭州市西湖区省府路8号", office_hours="工作日 8:30-12:00，14:30-17:30", sort_order=1,
    )  # fmt: skip
    police = Department.objects.create(
        credit_code=POLICE, name="浙江省公安厅", short_name="省公安厅", region_code="330000", level="provincial",
        consult_phone="0571-87280000", complaint_phone="0571-12345", sort_order=2,
    )  # fmt: skip
    market = Department.objects.create(
        credit_code=MARKET, name="浙江省市场监督管理局", short_name="省市场监管局", region_code="330000",
        level="provincial", consult_phone="0571-12315", complaint_phone="0571-12315", sort_order=3,
    )  # fmt: skip
    social = Topic.objects.create(code="social-security", name="社会保障", audience="person", sort_order=1)
    birth = Topic.objects.create(code="birth", name="生育收养", audience="person", sort_order=2)
    start_business = Topic.objects.create(
        code="start-business",
        name="开办企业",
        audience="enterprise",
        description="从设立登记到开户一次办",
        sort_order=1,
    )
    bases = {
        "sbk": BaseItem.objects.create(
            code="000109001000", name="社会保障卡申领", kind="public_service", exercise_level="provincial",
            legal_bases=[{"kind": "law", "name": "中华人民共和国社会保险法", "article": "第五十八条"}],
            legal_limit_days=20,
        ),
        "id_card": BaseItem.objects.create(
            code="000105001000", name="居民身份证申领", kind="public_service", exercise_level="county",
            legal_bases=[{"kind": "law", "name": "中华人民共和国居民身份证法", "article": "第八条"}],
            legal_limit_days=60,
        ),
        "company": BaseItem.objects.create(
            code="000114001000", name="企业设立登记", kind="licensing", exercise_level="tiered",
            legal_bases=[{"kind": "admin_regulation", "name": "中华人民共和国市场主体登记管理条例", "article": "第二十一条"}],
            legal_limit_days=3,
        ),
        "flex": BaseItem.objects.create(
            code="000109002000", name="灵活就业人员参保登记", kind="public_service", exercise_level="county",
            legal_bases=[], legal_limit_days=10,
        ),
    }  # fmt: skip
    sbk = make_item(
        code=SBK_CODE, name="社会保障卡申领", department=hrss, base=bases["sbk"], topics=[social],
        aliases=["社保卡", "社保卡办理"], summary="为参保人员申领第三代社会保障卡（含电子社保卡）。",
        legal_bases=[
            {"kind": "law", "name": "中华人民共和国社会保险法", "article": "第五十八条"},
            {"kind": "department_rule", "name": "社会保障卡管理办法", "article": "第十条"},
        ],
        conditions="已在本省参加社会保险的人员。\n未成年人由监护人代为申请。",
        process=[
            {"name": "在线申请", "description": "登录政务服务网或App填写申请"},
            {"name": "审核制卡", "description": "人力社保部门审核后制卡"},
            {"name": "领取启用", "description": "快递送达或网点领取后启用"},
        ],
        legal_limit_days=20, legal_limit_note="不含制卡运输时间", promised_limit_days=5, promised_limit_note="即申即审",
        handling_type="promised", is_free=True, visits_required=0, online_depth=4,
        channels=["web", "app", "window"],
        places=[{"name": "杭州市民之家社保服务窗口", "address": "杭州市江干区解放东路18号", "hours": "周一至周五 9:00-17:00"}],
        cross_region_scope="cross_province", consult_phone="0571-12333", complaint_phone="0571-12345",
        result_name="中华人民共和国社会保障卡", result_type="license", result_license_type_code="11100000000013338W001",
        delivery_methods=["window", "express", "electronic"], popularity=9800,
        handling=[("01", "new:首次申领"), ("02", "reissue:补领")],
        materials=[
            {"name": "居民身份证", "source": "e_license", "requirement": "required", "paper_original_count": 0,
             "license_type_code": "11100000000013338W011"},
            {"name": "户籍信息", "source": "shared_data", "requirement": "required",
             "shared_resource": "公安人口基础信息库", "paper_original_count": 0},
            {"name": "社会保障卡申领登记表", "source": "applicant", "requirement": "required",
             "paper_original_count": 1, "paper_copy_count": 0, "electronic": True,
             "blank_form": FORM_PATH, "sample": SAMPLE_PATH, "notes": "用黑色签字笔填写"},
            {"name": "监护人身份证明", "source": "applicant", "requirement": "conditional",
             "condition": "申请人为未成年人时提供", "paper_original_count": 1, "paper_copy_count": 1,
             "electronic": False, "handling_codes": [f"{SBK_CODE}02"]},
            {"name": "出生医学证明", "source": "department", "requirement": "conditional",
             "condition": "新生儿首次申领时提供", "issuing_body": "卫生健康部门", "paper_copy_count": 1},
        ],
    )  # fmt: skip
    id_card = make_item(
        code=ID_CARD_CODE, name="居民身份证申领", department=police, base=bases["id_card"], aliases=["身份证办理"],
        summary="首次申领、换领、补领居民身份证。", is_free=False,
        fees=[{"name": "居民身份证工本费", "standard": "20元/证", "basis": "发改价格〔2003〕2322号"}],
        legal_limit_days=60, promised_limit_days=15, visits_required=1, online_depth=3,
        result_name="中华人民共和国居民身份证", result_type="license", popularity=9000, cross_region_scope="nationwide",
        materials=[{"name": "居民户口簿", "source": "applicant", "requirement": "required", "paper_original_count": 1}],
    )  # fmt: skip
    company = make_item(
        code=COMPANY_CODE, name="企业设立登记", department=market, base=bases["company"], topics=[start_business],
        audience="enterprise", kind="licensing", summary="有限责任公司、股份有限公司等企业的设立登记。",
        legal_limit_days=3, promised_limit_days=1, visits_required=0, online_depth=4, popularity=5000,
        result_name="营业执照", result_type="license", delivery_methods=["electronic", "express"],
        materials=[{"name": "公司章程", "source": "applicant", "requirement": "required", "paper_original_count": 1}],
    )  # fmt: skip
    flex = make_item(
        code=FLEX_CODE, name="灵活就业人员参保登记", department=hrss, base=bases["flex"], topics=[social],
        legal_limit_days=10, promised_limit_days=3, visits_required=1, online_depth=2, popularity=800,
    )  # fmt: skip
    draft = make_item(
        code=DRAFT_CODE, name="社保草稿事项", department=hrss, base=bases["flex"], status="draft",
        legal_limit_days=10, promised_limit_days=3, published_at=None,
        materials=[{"name": "草稿表格", "source": "applicant", "requirement": "required", "blank_form": DRAFT_FORM_PATH}],
    )  # fmt: skip
    return Catalogue(
        hrss=hrss, police=police, market=market, social=social, birth=birth, start_business=start_business,
        sbk=sbk, id_card=id_card, company=company, flex=flex, draft=draft, bases=bases,
    )  # fmt: skip
