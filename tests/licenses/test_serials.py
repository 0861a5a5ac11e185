"""流水号 of issued licences: one counter per type, department and year, never a serial twice, not
even for issuances at the same moment; and a 亮证 scan recorded once whichever worker answers it."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connection

from tests.identity.factories import PersonFactory
from zwfw.core.errors import Conflict
from zwfw.core.models import AuditEntry
from zwfw.licenses import services, showing
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import License, LicenseType, LicenseUse, SerialCounter
from zwfw.seals.models import SealUsage

RESIDENCE = {"address": "杭州市西湖区文三路1号", "issue_date": "2026-12-01"}


@pytest.fixture
def residence_type(db):
    ensure_license_types()
    return LicenseType.objects.get(name="居住证")


def issue(people, department, license_type, holder=None, key=""):
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type, department=department,
        holder=holder or PersonFactory(), surface=RESIDENCE, idempotency_key=key,
    )


@pytest.mark.django_db
def test_serials_count_up_per_type_department_and_year(seal, people, department, residence_type):
    first, second = issue(people, department, residence_type), issue(people, department, residence_type)
    year = first.valid_from.year
    assert (first.serial, second.serial) == (f"{year}0000001", f"{year}0000002")
    assert SerialCounter.objects.get(license_type=residence_type, issuer=department, year=year).last == 2


@pytest.mark.django_db
def test_without_a_counter_the_serials_go_on_from_the_issued_licences(seal, people, department, residence_type):
    # given licences issued before the department's counter row existed (an upgraded node)
    issue(people, department, residence_type)
    last = issue(people, department, residence_type)
    SerialCounter.objects.all().delete()
    # when
    after = issue(people, department, residence_type)
    # then
    assert int(after.serial[4:]) == int(last.serial[4:]) + 1


@pytest.mark.django_db
def test_an_exhausted_year_is_refused_and_nothing_is_written(seal, people, department, residence_type):
    issue(people, department, residence_type)
    counter = SerialCounter.objects.get()
    counter.last = 9_999_999
    counter.save()
    counts = (License.objects.count(), SealUsage.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict) as info:
        issue(people, department, residence_type)
    assert info.value.code == "LICENSE_SERIAL_EXHAUSTED"
    assert (License.objects.count(), SealUsage.objects.count(), AuditEntry.objects.count()) == counts
    assert SerialCounter.objects.get().last == 9_999_999


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (runs on PostgreSQL)",
)
def test_concurrent_issuances_in_one_department_all_succeed_with_distinct_serials(
    seal, people, department, residence_type
):
    # given 4 workers issuing 5 licences each at the same time (on PostgreSQL: real concurrency)
    holders = [[PersonFactory() for _ in range(5)] for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i, holder in enumerate(holders[n]):
                issue(people, department, residence_type, holder=holder, key=f"w{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then none was refused, and the 20 licences have the serials 1..20
    assert errors == []
    serials = sorted(int(serial[4:]) for serial in License.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (runs on PostgreSQL)",
)
def test_one_key_sent_by_four_workers_at_once_issues_one_licence_and_answers_each_with_it(
    seal, people, department, residence_type
):
    # given 4 workers sending the same request with the same key at the same moment (the checks run
    # before the transaction, so all of them may find no licence with the key yet)
    holder = PersonFactory()
    answers: list[License] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            answers.append(issue(people, department, residence_type, holder=holder, key="same-key"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then each got the one licence, one of them as the new one; one serial and one seal use spent
    assert errors == []
    assert len({answer.identifier for answer in answers}) == 1
    assert sorted(answer.replayed for answer in answers) == [False, True, True, True]
    assert License.objects.count() == 1
    assert SealUsage.objects.count() == 1
    assert SerialCounter.objects.get().last == 1


@pytest.mark.django_db
def test_a_scanned_token_is_one_use_record_whichever_worker_answers(seal, people, department, residence_type):
    license = issue(people, department, residence_type)
    claims = showing.read_token(showing.make_token(license=license, fields=["address"]))
    showing.show(claims)
    cache.clear()  # another web worker: its own cache has not seen the token
    shown = showing.show(claims)
    assert shown.fields == [("住址", "杭州市西湖区****")]  # the disclosed field only, masked
    assert LicenseUse.objects.filter(license=license, channel="show").count() == 1
    # a new token of the same licence is a new use
    showing.show(showing.read_token(showing.make_token(license=license, fields=["address"])))
    assert LicenseUse.objects.filter(license=license, channel="show").count() == 2


@pytest.mark.django_db
def test_the_prepared_scan_read_gives_the_rows_the_queryset_gives(seal, people, department, residence_type):
    # dates (text on SQLite), the JSON of the type's fields and the encrypted surface come back converted
    license = issue(people, department, residence_type)
    prepared = showing._SHOWN.rows(license.identifier)
    assert prepared == list(showing._SHOWN._build(license.identifier))
    assert prepared[0][4] == license.valid_from
    assert isinstance(prepared[0][8], list)
    assert showing._SHOWN.rows("no such licence") == []
    assert showing._SHOWN.rows(str(showing._SHOWN.SAMPLE)) == []
