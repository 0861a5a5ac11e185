"""Demo licences: the licence catalogue, and the demo citizens and enterprise holding licences of
several types, issued by the demo departments with their seals (after zwfw.demo.seals). A second
run adds nothing."""

from __future__ import annotations

from typing import Any

from zwfw.catalog.models import Department
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import Enterprise, Person
from zwfw.licenses import services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import License, LicenseType

ISSUER = services.Issuer(system="system:demo")

# (holder: mobile of a demo citizen or an enterprise credit code, type name, issuer credit code, surface)
DEMO_LICENSES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("13900000001", "居住证", "11330100K33010016D", {"sex": "男", "address": "杭州市西湖区文三路90号", "issue_date": "2026-03-01"}),
    ("13900000001", "机动车驾驶证", "11330100K330100323", {"sex": "男", "vehicle_class": "C1", "first_issue": "2012-07-16", "file_no": "330100123456"}),
    # 浙江省教育厅, an 教育行政部门 (a 学位证书 is issued by the university, which the demo has not)
    ("13900000001", "教师资格证书", "11330000K33001101W", {"kind": "高级中学教师资格", "subject": "信息技术", "certificate_no": "20123300000001234", "issue_date": "2012-08-20"}),
    ("13900000002", "医师执业证书", "11330100K33010104U", {"practice_type": "临床", "practice_scope": "内科专业", "practice_place": "杭州市第一人民医院", "certificate_no": "110330100012345", "issue_date": "2019-09-01"}),
    ("13900000002", "社会保障卡", "11330100K33010059T", {"card_no": "A12345678", "issue_date": "2020-05-20"}),
    ("13900000003", "结婚证", "11330100K33010040X", {"spouse_name": "林晓", "spouse_id": "330106198803150026", "registered_on": "2014-05-20", "certificate_no": "J330106-2014-001234"}),
    ("enterprise:0", "营业执照", "11330100K33010067M", {"kind": "有限责任公司（自然人投资或控股）", "legal_representative": "王建国", "registered_capital": "500万元人民币", "established": "2015-06-01", "address": "浙江省杭州市西湖区文三路90号", "business_scope": "软件开发；信息技术咨询服务", "issue_date": "2015-06-01"}),
    ("enterprise:0", "食品经营许可证", "11330100K33010067M", {"legal_representative": "王建国", "address": "浙江省杭州市西湖区文三路90号1楼", "main_business": "单位食堂", "business_items": "热食类食品制售", "issue_date": "2025-01-10"}),
]


def _holder(key: str) -> Person | Enterprise:
    if key.startswith("enterprise:"):
        from zwfw.demo.identity import ENTERPRISES

        return Enterprise.objects.get(credit_code=ENTERPRISES[int(key.split(":")[1])]["credit_code"])
    return Person.objects.get(mobile_index=mobile_index(key))


def seed_licenses_demo() -> dict[str, int]:
    """Returns ``{"types": created, "licenses": created}``."""
    types = ensure_license_types()
    created = 0
    for holder_key, type_name, issuer_code, surface in DEMO_LICENSES:
        holder = _holder(holder_key)
        license_type = LicenseType.objects.get(name=type_name)
        key = f"demo:{holder_key}:{license_type.code}"
        department = Department.objects.get(credit_code=issuer_code)
        if License.objects.filter(issuer=department, idempotency_key=key).exists():
            continue
        services.issue_license(
            issuer=ISSUER, license_type=license_type, department=department, holder=holder, surface=surface,
            idempotency_key=key,
        )
        created += 1
    return {"types": types, "licenses": created}
