"""Factories of catalogue rows and records (factory_boy, with traits for the rule-relevant variants)."""

from __future__ import annotations

import copy
from typing import Any

import factory
from django.utils import timezone

from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.core.codes import credit_code_check_char, org_code_check_char


def credit_code(n: int, *, region: str = "330000") -> str:
    """A valid GB 32100 code of an organ of state (机构编制 / 机关) with organisation number n."""
    org = f"{n:08d}"
    first17 = f"11{region}{org}{org_code_check_char(org)}"
    return first17 + credit_code_check_char(first17)


def item_code(department_code: str, n: int) -> str:
    return f"{department_code}{n:013d}"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    credit_code = factory.Sequence(lambda n: credit_code(2000 + n))
    name = factory.Sequence(lambda n: f"浙江省测试厅{n}")
    short_name = ""
    region_code = "330000"
    level = "provincial"
    consult_phone = "0571-12345"
    complaint_phone = "0571-12345"
    sort_order = factory.Sequence(int)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    code = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"主题{n}")
    audience = "person"
    sort_order = factory.Sequence(int)

    class Params:
        enterprise = factory.Trait(audience="enterprise")


class BaseItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaseItem

    code = factory.Sequence(lambda n: f"0001050{n:05d}")
    name = factory.Sequence(lambda n: f"基本事项{n}")
    kind = "public_service"
    exercise_level = "provincial"
    legal_bases = factory.LazyFunction(
        lambda: [{"kind": "law", "name": "中华人民共和国居民身份证法", "article": "第八条"}]
    )
    legal_limit_days = 60

    class Params:
        licensing = factory.Trait(kind="licensing", legal_limit_days=20)


class ImplementationItemFactory(factory.django.DjangoModelFactory):
    """A published item version by default; traits: draft, fully_online, charged."""

    class Meta:
        model = ImplementationItem

    department = factory.SubFactory(DepartmentFactory)
    base_item = factory.SubFactory(BaseItemFactory)
    code = factory.LazyAttributeSequence(lambda o, n: item_code(o.department.credit_code, n + 1))
    version = 1
    status = ItemStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    region_code = "330000"
    name = factory.Sequence(lambda n: f"居民身份证申领{n}")
    kind = factory.SelfAttribute("base_item.kind")
    exercise_level = "provincial"
    audience = "person"
    legal_bases = factory.LazyFunction(
        lambda: [{"kind": "law", "name": "中华人民共和国居民身份证法", "article": "第八条"}]
    )
    conditions = "具有本省常住户口的居民"
    process = factory.LazyFunction(lambda: [{"name": "申请", "description": "在线或窗口提交"}])
    legal_limit_days = 60
    promised_limit_days = 15
    handling_type = "promised"
    is_free = True
    fees = factory.LazyFunction(list)
    visits_required = 1
    online_depth = 3
    channels = factory.LazyFunction(lambda: ["web", "window"])
    places = factory.LazyFunction(list)
    cross_region_scope = "none"
    consult_phone = "0571-12345"
    complaint_phone = "0571-12345"
    result_name = "中华人民共和国居民身份证"
    result_type = "license"
    delivery_methods = factory.LazyFunction(lambda: ["window"])
    popularity = 100

    class Params:
        draft = factory.Trait(status=ItemStatus.DRAFT, published_at=None)
        fully_online = factory.Trait(visits_required=0, online_depth=4)
        charged = factory.Trait(
            is_free=False, fees=[{"name": "工本费", "standard": "20元/证", "basis": "价格主管部门文件"}]
        )


class HandlingItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingItem

    item = factory.SubFactory(ImplementationItemFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.item.code}{(n % 99) + 1:02d}")
    name = "首次申领"
    variant = "new"


class MaterialFactory(factory.django.DjangoModelFactory):
    """An applicant's own material by default; traits per material source and requirement."""

    class Meta:
        model = Material

    item = factory.SubFactory(ImplementationItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    source = "applicant"
    requirement = "required"
    paper_original_count = 1

    class Params:
        conditional = factory.Trait(requirement="conditional", condition="委托他人代办的")
        e_license = factory.Trait(source="e_license", license_type_code="11100000000013338W011")
        shared_data = factory.Trait(source="shared_data", shared_resource="人口基础信息")
        by_department = factory.Trait(source="department", issuing_body="县级公安机关")


# ---- records (the interchange shape) ---------------------------------------------------------------------

MATERIAL_RECORD: dict[str, Any] = {
    "name": "居民户口簿",
    "source": "applicant",
    "requirement": "required",
    "condition": "",
    "paper_original_count": 1,
    "paper_copy_count": 0,
    "electronic": True,
    "license_type_code": "",
    "shared_resource": "",
    "issuing_body": "",
    "handling_codes": [],
    "notes": "",
    "blank_form": "",
    "sample": "",
}


def item_record(
    department: Department, base: BaseItem, *, n: int = 1, topics: list[str] | None = None, **overrides: Any
) -> dict[str, Any]:
    """A valid, complete item record of `department` implementing `base`."""
    code = item_code(department.credit_code, n)
    record: dict[str, Any] = {
        "code": code,
        "base_code": base.code,
        "department_credit_code": department.credit_code,
        "region_code": "330000",
        "name": f"居民身份证申领{n}",
        "kind": base.kind,
        "exercise_level": "provincial",
        "audience": "person",
        "topics": sorted(topics or []),
        "aliases": ["身份证办理"],
        "summary": "首次申领居民身份证",
        "legal_bases": [{"kind": "law", "name": "中华人民共和国居民身份证法", "article": "第八条"}],
        "conditions": "具有本省常住户口的居民",
        "process": [{"name": "申请", "description": "在线或窗口提交"}],
        "legal_limit_days": min(60, base.legal_limit_days),
        "legal_limit_note": "",
        "promised_limit_days": min(15, base.legal_limit_days),
        "promised_limit_note": "",
        "handling_type": "promised",
        "is_free": False,
        "fees": [{"name": "居民身份证工本费", "standard": "20元/证", "basis": "发改价格〔2003〕2322号"}],
        "visits_required": 1,
        "online_depth": 3,
        "channels": ["web", "app", "window"],
        "places": [
            {"name": "杭州市民之家", "address": "杭州市江干区解放东路18号", "hours": "工作日 9:00-17:00"}
        ],
        "cross_region_scope": "cross_province",
        "consult_phone": "0571-12345",
        "complaint_phone": "0571-12345",
        "result_name": "中华人民共和国居民身份证",
        "result_type": "license",
        "result_license_type_code": "",
        "delivery_methods": ["window", "express"],
        "popularity": 9800,
        "handling_items": [{"code": f"{code}01", "name": "首次申领", "variant": "new"}],
        "materials": [
            dict(MATERIAL_RECORD),
            {
                **MATERIAL_RECORD,
                "name": "委托书",
                "requirement": "conditional",
                "condition": "委托他人代办的",
            },
            {
                **MATERIAL_RECORD,
                "name": "户口簿电子证照",
                "source": "e_license",
                "license_type_code": "11100000000013338W011",
                "handling_codes": [f"{code}01"],
            },
        ],
    }
    record.update(overrides)
    return copy.deepcopy(record)


def department_record(n: int, **overrides: Any) -> dict[str, Any]:
    return {
        "credit_code": credit_code(n),
        "name": f"浙江省导入厅{n}",
        "short_name": "",
        "region_code": "330000",
        "level": "provincial",
        "parent_credit_code": None,
        "consult_phone": "0571-12345",
        "complaint_phone": "0571-12345",
        "address": "杭州市",
        "office_hours": "工作日",
        "sort_order": n,
        **overrides,
    }
