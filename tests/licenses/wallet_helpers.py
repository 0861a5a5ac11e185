"""Helpers of the wallet, API and page tests: the licence types, issuing a degree or a residence
permit to a person, signed-in clients, and a snapshot of every licence row to assert nothing changed."""

from __future__ import annotations

from django.test import Client

from zwfw.licenses import services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import DisplayKey, License, LicenseEvent, LicenseType, LicenseUse, UseGrant

DEGREE_SURFACE = {
    "degree": "工学学士", "discipline": "工学", "institution": "浙江大学", "certificate_no": "1033532026001234",
    "awarded_on": "2026-06-30",
}


def license_type(name: str) -> LicenseType:
    ensure_license_types()
    return LicenseType.objects.get(name=name)


def issue_degree(people, department, holder, **surface) -> License:
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("学位证书"),
        department=department, holder=holder, surface=DEGREE_SURFACE | surface,
    )


def issue_residence(people, department, holder, address: str = "杭州市西湖区文三路100号") -> License:
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("居住证"),
        department=department, holder=holder, surface={"issue_date": "2026-12-01", "address": address, "sex": "男"},
    )


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def licence_state() -> dict:
    """Every licence row that a request could change."""
    return {
        "licenses": list(License.objects.order_by("id").values_list("id", "status", "status_reason", "version", "surface")),
        "events": LicenseEvent.objects.count(),
        "grants": list(UseGrant.objects.order_by("id").values_list("id", "revoked_at", "valid_until", "purpose")),
        "uses": LicenseUse.objects.count(),
        "keys": DisplayKey.objects.count(),
    }
