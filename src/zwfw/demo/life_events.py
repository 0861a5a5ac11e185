"""The demo's 一件事一次办: three life and business events over the demo catalogue's items.

Each item of an event gets an application form if it has none yet, so that the merged form asks the
shared facts (the baby's name and birth date, the company's name, the retirement date) once.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from zwfw.cases.models import ItemForm, LifeEvent
from zwfw.catalog.models import ImplementationItem, ItemStatus


def _text(title: str, max_length: int = 100, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "maxLength": max_length, **extra}


PHONE = _text("联系电话", 20, pattern=r"^1[3-9]\d{9}$")
NEWBORN = {
    "baby_name": _text("新生儿姓名", 20, minLength=2),
    "baby_sex": {"type": "string", "title": "新生儿性别", "enum": ["男", "女"]},
    "birth_date": {"type": "string", "title": "出生日期", "format": "date"},
    "birth_hospital": _text("出生医院"),
    "guardian": _text("监护人姓名", 20),
    "phone": PHONE,
}
COMPANY = {
    "company_name": _text("企业名称", 60, minLength=4),
    "registered_capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0.01},
    "address": _text("住所", 120),
    "legal_representative": _text("法定代表人", 20),
    "phone": PHONE,
}
RETIREMENT = {
    "retiree": _text("姓名", 20),
    "retiree_id": _text("公民身份号码", 18),
    "retire_date": {"type": "string", "title": "退休日期", "format": "date"},
    "bank_account": _text("社保卡银行账号", 30, pattern=r"^\d{12,30}$"),
    "phone": PHONE,
}

# code, name, audience, description, [(item code, extra fields of that item)], shared fields, required, prefill
EVENTS: list[dict[str, Any]] = [
    {
        "code": "newborn", "name": "新生儿出生一件事", "audience": "person",
        "description": "出生登记、新生儿医保参保、社会保障卡申领、预防接种证办理，一次申请、一表填报",
        "fields": NEWBORN, "required": ["baby_name", "baby_sex", "birth_date", "guardian", "phone"],
        "prefill": {"guardian": "person.name"},
        "items": [
            ("11330100K33010016D0001050100001", {}),  # 出生登记
            ("11330100K33010075G0005010020001", {}),  # 新生儿参保登记
            ("11330100K33010059T0003010010001", {}),  # 社会保障卡申领
            ("11330100K33010104U0006010040001", {"birth_hospital"}),  # 预防接种证办理
        ],
    },
    {
        "code": "business-start", "name": "企业开办一件事", "audience": "enterprise",
        "description": "企业设立登记、公章刻制备案、单位社保参保登记、住房公积金单位缴存登记，一次提交、同步办理",
        "fields": COMPANY, "required": ["company_name", "address", "legal_representative", "phone"],
        "prefill": {"legal_representative": "person.name"},
        "items": [
            ("11330100K33010067M0004010010011", {"registered_capital"}),  # 企业设立登记（有限责任公司）
            ("11330100K33010016D0001100020001", {}),  # 公章刻制备案
            ("11330100K33010059T0003060010001", {}),  # 单位参保登记
            ("12330100K3301008380017030010001", {}),  # 住房公积金单位缴存登记
        ],
    },
    {
        "code": "retirement", "name": "退休一件事", "audience": "person",
        "description": "职工退休申请、领取养老金资格确认、住房公积金退休提取，一次办结",
        "fields": RETIREMENT, "required": ["retiree", "retiree_id", "retire_date", "phone"],
        "prefill": {"retiree": "person.name", "retiree_id": "person.document_number"},
        "items": [
            ("11330100K33010059T0003020030001", {"bank_account"}),  # 职工基本养老保险待遇申领（退休申请）
            ("11330000K3300103X10003020050001", {}),  # 领取社会保险待遇资格确认
            ("12330100K3301008380017010010041", {"bank_account"}),  # 住房公积金提取（离休、退休）
        ],
    },
]


def _published(code: str) -> ImplementationItem | None:
    return ImplementationItem.objects.filter(code=code, status=ItemStatus.PUBLISHED).order_by("-version").first()


def seed_life_events_demo() -> dict[str, int]:
    """Create the events (and the forms their items lack); returns how many rows were created."""
    created = {"events": 0, "forms": 0}
    for spec in EVENTS:
        shared = [name for name in spec["fields"] if name not in ("birth_hospital", "registered_capital", "bank_account")]
        event, made = LifeEvent.objects.get_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "audience": spec["audience"], "description": spec["description"],
                      "region_code": "330100", "sort_order": EVENTS.index(spec)},
        )
        created["events"] += made
        for order, (code, extra) in enumerate(spec["items"]):
            item = _published(code)
            if item is None:
                continue
            event.entries.get_or_create(item_code=code, defaults={"sort_order": order})
            if ItemForm.objects.filter(item=item).exists():
                continue
            names = [*shared, *sorted(extra)]
            ItemForm.objects.create(
                item=item,
                schema={
                    "type": "object",
                    "properties": {name: spec["fields"][name] for name in names},
                    "required": [name for name in spec["required"] if name in names],
                    "additionalProperties": False,
                },
                layout={"order": names, "prefill": {k: v for k, v in spec["prefill"].items() if k in names}},
            )
            created["forms"] += 1
    return created
