"""Sealed notices and decisions: a case document's content fixed in the transaction, rendered and
sealed by the department's seal in the background (``seal_pending_documents``)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from zwfw.cases.models import Case, CaseDocument, DocumentKind
from zwfw.core.calendar import as_local_date
from zwfw.seals.documents import render_notice_pdf
from zwfw.seals.models import Seal, SealKind, SealStatus
from zwfw.seals.signing import SigningActor, sign_pdf


def _applicant_name(case: Case) -> str:
    return case.enterprise.name if case.enterprise is not None else case.applicant.name


def _document(case: Case, kind: str, paragraphs: list[str], *, now: dt.datetime) -> CaseDocument:
    """Fix a notice's content now; the background job renders and seals it after the commit."""
    content = {
        "title": DocumentKind(kind).label,
        "paragraphs": [f"{_applicant_name(case)}：", *paragraphs, f"办件编号：{case.number}"],
        "issuer": case.department.name,
        "issued_on": as_local_date(now).isoformat(),
    }
    document = CaseDocument.objects.create(case=case, kind=kind, content=content, created_at=now)
    transaction.on_commit(_enqueue_sealing)
    return document


def _enqueue_sealing() -> None:
    from zwfw.cases.tasks import seal_case_documents

    seal_case_documents.enqueue()


def _document_seal(case: Case) -> Seal | None:
    """The department's 业务专用章 if it has one, else its 公章."""
    return (
        Seal.objects.filter(department_id=case.department_id, status=SealStatus.ACTIVE,
                            kind__in=[SealKind.SPECIAL, SealKind.OFFICIAL])
        .order_by("-kind", "code")
        .first()
    )


def seal_pending_documents(*, limit: int = 100) -> int:
    """Render and seal the documents waiting for it; returns how many were sealed. A department with
    no usable seal leaves its documents pending, with the reason shown to staff.

    The PDF is rendered outside any transaction (the CJK font subset takes about half a second, and
    on SQLite a write transaction would hold every other writer that long); only the signature and
    the update run in one, with the document row locked so that two workers seal it once."""
    sealed = 0
    pending = list(CaseDocument.objects.filter(sealed_at__isnull=True).order_by("id")
                   .values_list("pk", "case_id", "content")[:limit])
    for pk, case_id, content in pending:
        case = Case.objects.select_related("department").get(pk=case_id)
        seal = _document_seal(case)
        if seal is None:
            CaseDocument.objects.filter(pk=pk, sealed_at__isnull=True).update(error="受理部门没有可用的电子印章")
            continue
        pdf = render_notice_pdf(
            title=content["title"], paragraphs=content["paragraphs"], issuer=content["issuer"],
            issued_on=dt.date.fromisoformat(content["issued_on"]),
        )
        with transaction.atomic():
            document = CaseDocument.objects.select_for_update().filter(pk=pk, sealed_at__isnull=True).first()
            if document is None:
                continue  # another worker sealed it meanwhile
            signed = sign_pdf(actor=SigningActor(system="system:cases"), seal=seal, pdf=pdf,
                              purpose=f"{content['title']}（办件{case.number}）")
            document.pdf = signed
            document.sha256 = hashlib.sha256(signed).hexdigest()
            document.seal_code = seal.code
            document.sealed_at = timezone.now()
            document.error = ""
            document.save()
            sealed += 1
    return sealed
