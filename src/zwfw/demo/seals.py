"""Demo seals: the node's PKI, a 行政审批专用章 for every demo department (and a 单位公章 for 杭州市民政局,
where the demo staff work), and a signed sample notice published in the portal (/seals/documents/).

Everything goes through the services, as staff would do it: the platform administrator requests,
the superuser (another platform administrator) reviews, the platform administrator makes, the
department's approver signs. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.identity.models import StaffRole
from zwfw.seals import pki, services, signing
from zwfw.seals.documents import render_notice_pdf
from zwfw.seals.models import Seal, SealKind, SignedDocument

SAMPLE_TITLE = "准予行政许可决定书（示例）"
HZMZ = "11330100K33010040X"  # 杭州市民政局, the demo staff's department
SEAL_YEARS = 5


def _make(department: Department, kind: str, purpose: str, requester, reviewer) -> Seal:
    request = services.request_seal(
        actor=requester,
        department=department,
        kind=kind,
        owner_name=department.name,
        purpose=purpose,
        valid_to=timezone.now() + dt.timedelta(days=365 * SEAL_YEARS),
        reason="演示：网上办事的许可决定和通知书加盖电子印章",
    )
    services.review_request(actor=reviewer, request=request, approve=True, comment="同意制作")
    seal = services.make_seal(actor=requester, request=request)
    services.set_use_roles(actor=requester, seal=seal, roles=[StaffRole.APPROVER, StaffRole.WINDOW_CLERK])
    return seal


def seed_seals_demo() -> dict[str, int]:
    """Returns ``{"seals": created, "documents": created}``."""
    users = get_user_model().objects
    platform = users.get(username="platform")  # zwfw.demo.identity
    reviewer = users.get(username="admin")  # zwfw.demo.accounts: the superuser, a second platform admin
    pki.pki_init(actor="system:demo")
    created = 0
    have = set(Seal.objects.filter(kind=SealKind.SPECIAL).values_list("department_id", flat=True))
    for department in Department.objects.filter(is_active=True).order_by("sort_order", "pk"):
        if department.pk not in have:
            _make(department, SealKind.SPECIAL, "行政审批专用章", platform, reviewer)
            created += 1
    civil_affairs = Department.objects.get(credit_code=HZMZ)
    if not Seal.objects.filter(department=civil_affairs, kind=SealKind.OFFICIAL).exists():
        _make(civil_affairs, SealKind.OFFICIAL, "", platform, reviewer)
        created += 1
    documents = 0
    if not SignedDocument.objects.filter(title=SAMPLE_TITLE).exists():
        seal = Seal.objects.get(department=civil_affairs, kind=SealKind.SPECIAL)
        pdf = render_notice_pdf(
            title=SAMPLE_TITLE,
            paragraphs=[
                "杭州市示例志愿服务协会（筹）：",
                "你单位于2026年11月20日通过浙江政务服务网提交的社会团体成立登记申请，经审查，申请材料齐全、"
                "符合法定形式，符合《社会团体登记管理条例》的规定。根据《中华人民共和国行政许可法》第三十八条"
                "第一款，决定准予登记。",
                "本决定书加盖电子印章，与纸质文书具有同等法律效力。可登录平台“签章验证”页面上传本文件核验。",
            ],
            issuer=civil_affairs.name,
            issued_on=timezone.localdate(),
        )
        approver = users.get(username="approver")
        signed = signing.sign_pdf(
            actor=signing.SigningActor(user=approver), seal=seal, pdf=pdf, purpose="演示：准予行政许可决定书"
        )
        SignedDocument.objects.create(
            title=SAMPLE_TITLE, seal=seal, pdf=signed, sha256=hashlib.sha256(signed).hexdigest(), is_public=True
        )
        documents = 1
    return {"seals": created, "documents": documents}
