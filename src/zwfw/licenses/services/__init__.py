"""Issuing licences and changing them over their life (变更, 延续, 暂扣/发还, 注销, 吊销, expiry).

Issuance: staff of the issuing department (approver or department administrator), or a department
system named as a system actor, with an idempotency key. The surface data is checked against the
type's fields and the holder's verified identity, the identifier made (GB/T 36904), the data signed
with the issuer's seal (JWS ES256, a recorded seal use), the holder told in their inbox, the issue
audited: the checks first, then all the writes in one transaction. A batch (批量签发, up to 100)
makes each licence exactly so: all the checks first, then one transaction that writes the batch's
licences together (a serial range per type, one INSERT per kind of row, the audit entries appended
in one go), each licence still signed on its own, all of them at one moment of the seal.

A holder look-up that finds no one tells the issuer that nobody has an account under the number, so
it is audited (``look_up_holder``, and a batch's together), apart from the issuance's transaction:
the entry stays whatever becomes of the issuance.

Modules: ``common`` (the issuer and its authority, the seal, the surface checks, what the seal signs,
serials, validity, the holder's notice, the idempotency key), ``holders`` (the holder a request names),
``issuance`` (one licence), ``batch`` (批量签发), ``lifecycle`` (status changes, new versions, expiry),
``use`` (用证授权 and 用证记录, the status as of today).
"""

from __future__ import annotations

from zwfw.licenses.services.batch import (
    BATCH_WRITE_ATTEMPTS,
    CREATED,
    FAILED,
    MAX_BATCH,
    REPLAYED,
    IssueOutcome,
    IssueRequest,
    issue_licenses,
)
from zwfw.licenses.services.common import (
    EARLIEST_VALID_FROM,
    ISSUING_ROLES,
    LATEST_VALID_FROM_YEARS,
    MAX_VALUE_LENGTH,
    SERIAL_DIGITS,
    Issuer,
    check_surface,
    holder_index,
    issuing_kinds,
    may_issue,
    signed_payload,
    surface_of,
)
from zwfw.licenses.services.holders import HOLDER_NOT_FOUND, look_up_holder
from zwfw.licenses.services.issuance import FILE_SWEEP_GATE_SECONDS, issue_license, queue_file_sweep
from zwfw.licenses.services.lifecycle import allowed_actions, change_status, expire_licenses, new_version
from zwfw.licenses.services.use import (
    MAX_GRANT_DAYS,
    FetchedLicense,
    authorise_use,
    current_status_of,
    effective_status,
    fetch_for_use,
    revoke_use_grant,
)

__all__ = [
    "BATCH_WRITE_ATTEMPTS",
    "CREATED",
    "EARLIEST_VALID_FROM",
    "FAILED",
    "FILE_SWEEP_GATE_SECONDS",
    "HOLDER_NOT_FOUND",
    "ISSUING_ROLES",
    "LATEST_VALID_FROM_YEARS",
    "MAX_BATCH",
    "MAX_GRANT_DAYS",
    "MAX_VALUE_LENGTH",
    "REPLAYED",
    "SERIAL_DIGITS",
    "FetchedLicense",
    "IssueOutcome",
    "IssueRequest",
    "Issuer",
    "allowed_actions",
    "authorise_use",
    "change_status",
    "check_surface",
    "current_status_of",
    "effective_status",
    "expire_licenses",
    "fetch_for_use",
    "holder_index",
    "issue_license",
    "issue_licenses",
    "issuing_kinds",
    "look_up_holder",
    "may_issue",
    "new_version",
    "queue_file_sweep",
    "revoke_use_grant",
    "signed_payload",
    "surface_of",
]
