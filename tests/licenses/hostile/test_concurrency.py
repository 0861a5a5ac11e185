"""Two first downloads of the same licence file at once (two web workers): on PostgreSQL (threads
cannot share the in-memory SQLite test database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.identity.factories import PersonFactory
from tests.licenses.wallet_helpers import issue_degree
from zwfw.licenses import rendering
from zwfw.licenses.models import License, LicenseFile


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (runs on PostgreSQL)",
)
def test_two_first_downloads_at_once_make_one_file(seal, people, department):
    licence = issue_degree(people, department, PersonFactory(name="张晓明"))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def download():
        try:
            fresh = License.objects.select_related("license_type", "issuer").get(pk=licence.pk)
            barrier.wait()
            rendering.license_file(fresh, base_url="http://testserver/")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, [f"{type(e).__name__}: {e}" for e in errors]
    assert LicenseFile.objects.filter(license=licence).count() == 1
