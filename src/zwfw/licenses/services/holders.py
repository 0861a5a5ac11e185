"""The holder a request names: looked up for an issuer of the department, a look-up that finds no
one audited (``look_up_holder``; a batch's together)."""

from __future__ import annotations

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.errors import DomainError, NotFound
from zwfw.core.masking import mask_looked_up_number
from zwfw.core.models import AuditResult
from zwfw.identity.models import Enterprise, Person
from zwfw.licenses.selectors import find_holder
from zwfw.licenses.services.common import Issuer, _authorise

HOLDER_NOT_FOUND = "LICENSE_HOLDER_NOT_FOUND"


def _lookup_failed(issuer: Issuer, department: Department, named: tuple[str, str, str], error: DomainError) -> audit.NewEntry:
    """The audit entry of a look-up that found no holder named (document type, document number,
    credit code) so: who looked, for which department, the number masked (the error's field says
    which of the two was looked up)."""
    document_type, document_number, credit_code = named
    by_credit_code = isinstance(error.details, dict) and error.details.get("field") == "holder_credit_code"
    looked_up = (
        {"credit_code": mask_looked_up_number(credit_code)} if by_credit_code
        else {"document_type": document_type, "document_number": mask_looked_up_number(document_number)}
    )
    return audit.NewEntry(
        actor=issuer.label,
        action="licenses.holder_lookup_failed",
        object_type="identity.Enterprise" if by_credit_code else "identity.Person",
        object_id="-",  # nobody registered under the number
        result=AuditResult.FAILURE,
        details={"department": department.credit_code, **looked_up},
    )


def look_up_holder(
    *, issuer: Issuer, department: Department, document_type: str = "", document_number: str = "", credit_code: str = ""
) -> Person | Enterprise:
    """The registered holder a single issuance names (``selectors.find_holder``), looked up only for
    an issuer of ``department``. A look-up that finds no one is audited before LICENSE_HOLDER_NOT_FOUND
    is raised: before, and apart from, the issuance's transaction (the request has none of its own: the
    entry is committed at once), so it is kept."""
    _authorise(issuer, department)
    try:
        return find_holder(
            department=department, document_type=document_type, document_number=document_number,
            credit_code=credit_code,
        )
    except NotFound as error:
        if error.code == HOLDER_NOT_FOUND:
            audit.append(_lookup_failed(issuer, department, (document_type, document_number, credit_code), error))
        raise
