"""The licence benchmarks' side inside Django (run by bench/run.py, ``--only licenses``).

    python bench/licenses_bench.py setup                    # JSON on stdout
    python bench/licenses_bench.py tokens FILE:N [FILE:N]   # fresh 亮证 tokens, one a line
    python bench/licenses_bench.py check STATS.json         # after the issuance run: JSON
    python bench/licenses_bench.py pdf --seconds S          # licence files per second: JSON

Run against bench/run.py's migrated data directory (the environment names the database,
ZWFW_DATA_DIR, the keys and DJANGO_SETTINGS_MODULE=zwfw.settings); works against any migrated
one. Everything it makes is reused on later runs.

* ``setup``: the common licence types, the bench's department and seal (bench/seals_bench.py's,
  made through the seal services), an approver of that department with a password and a confirmed
  TOTP device (the real sign-in asks staff for a second factor: bench/licenses_load.py gives it),
  HOLDERS registered people with their accounts (bulk-created as the identity factories make them:
  encrypted document numbers and mobiles, blind indexes), whose document numbers go into a file
  for the issuance script, and SHOWN licences (居住证, issued through the services) to show.
* ``tokens``: 亮证 tokens made by ``showing.make_token`` (as the holder's 亮证 page makes them,
  disclosing every field the licence carries that may be shown), cycling over the SHOWN licences.
  They live ``showing.MAX_SECONDS``: make them right before the run that scans them.
* ``check``: after an issuance run (single requests or batches), the licences in the database
  against the keys wrk sent (its Lua script writes STATS.json): one licence per key, every answered
  key there, no licence for a key never sent, none issued outside the run's keys, every replay
  answered with its licence; ``duplicates`` counts the breaches.
* ``pdf``: ``rendering.license_file`` (render the A4 page, PAdES-sign it with the issuer's seal, a
  recorded seal use, store it) over licences that have no file yet, for ``--seconds``, in process
  and single-threaded; the first file made is verified (``verification.verify_pdf``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HOLDERS = 20_000
SHOWN = 8
APPROVER = "bench-license-approver"
PASSWORD = "bench-license-correct-horse"
HOLDER_USERNAME = "bench-holder"
SHOW_KEY = "bench-show-"
PDF_KEY = "bench-pdf-"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def holder_number(n: int) -> str:
    """The n-th bench holder's 公民身份号码 (GB 11643, valid check character; 400 people a birth date)."""
    from zwfw.core.codes import resident_id_check_char

    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 400)
    first17 = f"330102{born:%Y%m%d}{(n % 400) * 2 + 1:03d}"
    return first17 + resident_id_check_char(first17)


def _residence_permit() -> Any:
    """居住证: besides the holder (filled from the verified identity), only 发证日期 is required."""
    from zwfw.licenses.catalogue import MPS
    from zwfw.licenses.models import LicenseType

    return LicenseType.objects.get(code=f"{MPS}002")


def _department() -> Any:
    import seals_bench  # bench/ is sys.path[0] when this file runs as a script

    return seals_bench.bench_seal().department


def _approver(department: Any) -> tuple[Any, str]:
    """The department's approver and the secret of their authenticator app (confirmed once)."""
    import pyotp
    from django.contrib.auth import get_user_model

    from zwfw.identity import totp
    from zwfw.identity.models import StaffMember, StaffRole, StaffRoleGrant

    user = get_user_model().objects.filter(username=APPROVER).first()
    if user is None:
        user = get_user_model()(username=APPROVER, is_staff=True)
        user.set_password(PASSWORD)
        user.save()
    staff, _ = StaffMember.objects.get_or_create(
        user=user,
        defaults={"name": "压测签发员", "department": department, "region_code": department.region_code},
    )
    StaffRoleGrant.objects.get_or_create(staff=staff, role=StaffRole.APPROVER)
    device = totp.confirmed_device(user)
    if device is None:
        secret = totp.begin_enrollment(user=user).secret
        # The app's code of the previous 30-second step (within the allowed drift), so that the
        # sign-in that follows, in this step, gives a code the device has not seen.
        previous = pyotp.TOTP(secret).at(time.time() - totp.STEP_SECONDS)
        device = totp.confirm_enrollment(user=user, code=previous)
    return user, device.secret


def _holders(count: int) -> None:
    """``count`` registered people (level 3, with an account each), made in bulk when missing."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from zwfw.identity.indexes import document_index, mobile_index
    from zwfw.identity.models import AssuranceLevel, DocumentType, Person

    user_model = get_user_model()
    have = set(
        user_model.objects.filter(username__startswith=HOLDER_USERNAME).values_list("username", flat=True)
    )
    missing = [n for n in range(count) if f"{HOLDER_USERNAME}{n}" not in have]
    if not missing:
        return
    _log(f"  {len(missing):,} licence holders ...")
    unusable = make_password(None)  # the same unusable hash for all: they never sign in here
    for start in range(0, len(missing), 2000):
        batch = missing[start : start + 2000]
        with transaction.atomic():
            users = user_model.objects.bulk_create(
                [user_model(username=f"{HOLDER_USERNAME}{n}", password=unusable) for n in batch]
            )
            people = []
            for n, user in zip(batch, users, strict=True):
                number, mobile = holder_number(n), f"138{n:08d}"
                people.append(
                    Person(
                        user=user,
                        document_type=DocumentType.RESIDENT_ID,
                        document_number=number,
                        document_index=document_index(DocumentType.RESIDENT_ID, number),
                        name=f"压测持证人{n}",
                        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                        mobile=mobile,
                        mobile_index=mobile_index(mobile),
                        assurance_level=AssuranceLevel.REGISTRY_MATCHED,
                    )
                )
            Person.objects.bulk_create(people)


def _shown_licences(department: Any, approver: Any) -> list[Any]:
    """SHOWN valid 居住证 to show, issued (once: idempotency keys) through the services."""
    from django.utils import timezone

    from zwfw.identity.indexes import document_index
    from zwfw.identity.models import DocumentType, Person
    from zwfw.licenses import services
    from zwfw.licenses.models import License

    license_type = _residence_permit()
    licences = []
    for n in range(SHOWN):
        # a kept data dir set up on an earlier day has them already (issued with that day's date)
        kept = License.objects.filter(issuer=department, idempotency_key=f"{SHOW_KEY}{n}").first()
        if kept is not None:
            licences.append(kept)
            continue
        number = holder_number(HOLDERS + n)
        holder = Person.objects.get(document_index=document_index(DocumentType.RESIDENT_ID, number))
        licences.append(
            services.issue_license(
                issuer=services.Issuer(user=approver),
                license_type=license_type,
                department=department,
                holder=holder,
                idempotency_key=f"{SHOW_KEY}{n}",
                surface={
                    "sex": "男" if n % 2 == 0 else "女",
                    "address": f"浙江省杭州市上城区清波街道{n + 1}号",
                    "issue_date": timezone.localdate().isoformat(),
                },
            )
        )
    return licences


def setup() -> dict:
    _setup_django()
    from zwfw.licenses.catalogue import ensure_license_types

    ensure_license_types()
    department = _department()
    approver, secret = _approver(department)
    _holders(HOLDERS + SHOWN)
    shown = _shown_licences(department, approver)
    holders_file = Path(os.environ["ZWFW_DATA_DIR"]) / "bench-license-holders.txt"
    holders_file.write_text("".join(f"{holder_number(n)}\n" for n in range(HOLDERS)), encoding="ascii")
    return {
        "username": APPROVER,
        "password": PASSWORD,
        "totp_secret": secret,
        "department": department.name,
        "type_code": _residence_permit().code,
        "holders_file": str(holders_file),
        "holders": HOLDERS,
        "shown": [licence.identifier for licence in shown],
    }


def tokens(targets: list[tuple[Path, int]]) -> None:
    _setup_django()
    from zwfw.licenses import showing, web
    from zwfw.licenses.models import License

    licences = list(
        License.objects.select_related("license_type")
        .filter(idempotency_key__startswith=SHOW_KEY, version=1)
        .order_by("idempotency_key")
    )
    if not licences:
        raise SystemExit("no licences to show: run `licenses_bench.py setup` first")
    fields = {licence.pk: [field["key"] for field in web.showable_fields(licence)] for licence in licences}
    for path, count in targets:
        started = time.perf_counter()
        lines = []
        for n in range(count):
            licence = licences[n % len(licences)]
            lines.append(showing.make_token(license=licence, fields=fields[licence.pk]) + "\n")
        path.write_text("".join(lines), encoding="ascii")
        _log(f"  {count:,} 亮证 tokens in {time.perf_counter() - started:.1f} s")


def check(stats_file: Path) -> dict:
    """The licences of one issuance run (key prefix) against what the wrk script sent and was told.
    Single requests (the issuance row) carry the key PREFIX<thread>-<n>; batches (the batch row,
    ``batch`` items a request) carry PREFIX<thread>-<n>-<j> on their item j."""
    _setup_django()
    from django.db.models import Count

    from zwfw.licenses.models import License

    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    prefix = stats["prefix"]
    size = stats.get("batch")  # items per request, for a batch run
    started = dt.datetime.fromtimestamp(stats["started_at"], tz=dt.UTC)
    threads = stats["threads"]
    items = [""] if size is None else [f"-{j}" for j in range(1, size + 1)]
    sent = {
        f"{prefix}{thread['thread']}-{n}{item}" for thread in threads for n in range(1, thread["fresh"] + 1) for item in items
    }
    # sent, but not answered as created with an identifier: an error, or in flight when wrk stopped
    # (a batch's entries name the item: "n-j")
    unconfirmed = {f"{prefix}{thread['thread']}-{n}" for thread in threads for n in thread["unconfirmed"]}
    answered = sent - unconfirmed
    rows = License.objects.filter(idempotency_key__startswith=prefix)
    per_key = dict(
        rows.values_list("idempotency_key").annotate(n=Count("id")).values_list("idempotency_key", "n")
    )
    stored = set(per_key)
    # Licences of the department made since the run began under neither its keys nor the warm-up's
    # (whose last requests may still have been committing).
    strays = (
        License.objects.filter(created_at__gte=started, issuer=_department())
        .exclude(idempotency_key__startswith=prefix)
        .exclude(idempotency_key__startswith=stats["warmup_prefix"])
        .count()
    )
    problems = {
        # two licences under one key (the database's unique constraint should make this impossible)
        "keys_with_two_licences": sum(1 for n in per_key.values() if n > 1),
        # a replay of an answered key answered as new or with another identifier
        "replays_answered_as_new": sum(thread["replay_new"] for thread in threads),
        "replays_with_other_identifier": sum(thread["replay_other"] for thread in threads),
        # a created answer whose licence is not there, a licence for a key never sent, one outside the run's keys
        "answered_but_missing": len(answered - stored),
        "stored_but_never_sent": len(stored - sent),
        "issued_outside_the_run": strays,
    }
    result = {
        "keys_sent": len(sent),
        "requests": sum(thread["fresh"] + thread["replays"] for thread in threads),
        "replays": sum(thread["replays"] for thread in threads),
        "replays_answered_same": sum(thread["replay_same"] for thread in threads),
        "licences": rows.count(),
        "distinct_keys_stored": len(stored),
        "unconfirmed_keys": len(unconfirmed),
        "unconfirmed_stored": len(stored & unconfirmed),
    }
    if size is not None:
        # a replayed batch's item answered with an error (its key's licence was answered before)
        problems["replays_answered_with_error"] = sum(thread["replay_failed"] for thread in threads)
        ended = started + dt.timedelta(seconds=stats["duration"])
        result |= {
            # the run's licences written before the measured window closed (a batch answers in
            # seconds: the answers confirm fewer, those in flight at the stop not at all)
            "created_in_window": rows.filter(created_at__lt=ended).count(),
            "items_per_request": size,
            # counted in items: every item of a replayed batch must be answered with its licence
            "replayed_items": sum(thread["replay_same"] + thread["replay_new"] + thread["replay_other"]
                                  + thread["replay_failed"] for thread in threads),
            "item_errors": sum(thread["item_errors"] for thread in threads),
        }
    return result | {"problems": problems, "duplicates": sum(problems.values())}


def pdf(seconds: float) -> dict:
    """Licence files per second over licences that have none yet (issued for it when too few)."""
    _setup_django()
    import secrets

    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from zwfw.identity.indexes import document_index
    from zwfw.identity.models import DocumentType, Person
    from zwfw.licenses import rendering, services
    from zwfw.licenses.models import License, LicenseStatus
    from zwfw.seals import verification

    department = _department()
    supply = (
        License.objects.select_related("license_type", "issuer")
        .filter(Q(file__isnull=True), issuer=department, status=LicenseStatus.VALID)
        .order_by("id")
    )
    wanted = max(200, int(seconds * 60))  # more than a single process renders and signs in that time
    have = supply.count()
    if have < wanted:
        _log(f"  issuing {wanted - have} licences to render ...")
        approver = get_user_model().objects.get(username=APPROVER)
        license_type = _residence_permit()
        run = secrets.token_hex(3)
        for n in range(wanted - have):
            number = holder_number(n % HOLDERS)
            holder = Person.objects.get(document_index=document_index(DocumentType.RESIDENT_ID, number))
            services.issue_license(
                issuer=services.Issuer(user=approver),
                license_type=license_type,
                department=department,
                holder=holder,
                surface={"issue_date": timezone.localdate().isoformat()},
                idempotency_key=f"{PDF_KEY}{run}-{n}",
            )
    licences = iter(list(supply[:wanted]))
    first = rendering.license_file(next(licences))
    if not verification.verify_pdf(bytes(first.pdf)).valid:
        raise SystemExit("the bench's own licence file does not verify")
    timings: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    for licence in licences:
        begun = time.perf_counter()
        rendering.license_file(licence)
        now = time.perf_counter()
        timings.append(now - begun)
        if now >= deadline:
            break
    elapsed = time.perf_counter() - started
    timings.sort()
    return {
        "files": len(timings),
        "seconds": round(elapsed, 2),
        "files_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, 1),
        "file_kb": round(len(bytes(first.pdf)) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="types, department, seal, approver, holders, licences to show")
    made = commands.add_parser("tokens", help="fresh 亮证 tokens: FILE:N, one token a line")
    made.add_argument("targets", nargs="+", metavar="FILE:N")
    checked = commands.add_parser("check", help="the issuance run's licences against its wrk statistics")
    checked.add_argument("stats", type=Path)
    rendered = commands.add_parser("pdf", help="licence files (render, PAdES-sign, store) per second")
    rendered.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    if args.command == "setup":
        result: Any = setup()
    elif args.command == "tokens":
        tokens([(Path(path), int(count)) for path, _, count in (t.rpartition(":") for t in args.targets)])
        return 0
    elif args.command == "check":
        result = check(args.stats)
    else:
        result = pdf(args.seconds)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
