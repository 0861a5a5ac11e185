"""The 办件 benchmarks' side inside Django (run by bench/run.py, ``--only cases``).

    python bench/cases_bench.py setup [--cases N]        # JSON on stdout
    python bench/cases_bench.py count PREFIX             # cases submitted under a key prefix: JSON
    python bench/cases_bench.py profile submit|read|workbench [--requests R]   # cProfile, text

Run against bench/run.py's migrated and seeded data directory (the demo catalogue of 浙江: the
cases are of 杭州市民政局). Everything it makes is reused on later runs.

* ``setup``: the demo items' forms and approval steps (zwfw.demo.cases); a bench item, 婚姻登记档案查询
  as the catalogue has it but for a node where its e-licence material comes from data sharing
  (its only required material is 共享: a submission needs no upload); APPLICANTS people with
  accounts (bulk-created as the identity factories make them), of whom SUBMITTERS and the
  READER sign in with a password; a staff member of 杭州市民政局 (window clerk, approver and
  department administrator, with a confirmed TOTP device: the sign-in asks for a second factor);
  and N generated cases (default 100,000) written with bulk_create: realistic rows over the
  department's items, dates from the start of 2025 to yesterday, every state in the proportions
  of a busy bureau, their approval steps, clock ledger and timeline. 3,000 of them belong to the
  READER: the paths of the status-read scenario.
  The READER's mobile app is an OpenID Connect client the READER consented to: the status read
  runs with its bearer access token.
  Cases earlier submission runs made (their keys start with ``bench-``, profiles' with ``profile-``)
  are removed first, so each run reads the same generated book of cases.
* ``count``: the cases the submission run made (keys under PREFIX) and the distinct keys, for the
  check that no request made two cases.
* ``profile``: R requests of one scenario through Django's test Client, in process, under
  cProfile; the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

DEFAULT_CASES = 100_000
APPLICANTS = 5_000
SUBMITTERS = 16  # one per wrk connection of the submission scenario
READER = APPLICANTS  # the applicant whose cases the status-read scenario reads
READER_CASES = 3_000
USERNAME = "bench-case-applicant"
STAFF = "bench-case-clerk"
PASSWORD = "bench-case-correct-horse"
BENCH_ITEM_SERIAL = "B000000000001"
GENERATED_KEY = "gen-"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HZMZ = "11330100K33010040X"  # 杭州市民政局

# (status, share): a bureau's book of cases, most of them long finished.
STATUSES = [
    ("completed", 0.62), ("withdrawn", 0.03), ("refused", 0.02), ("disapproved", 0.02), ("approved", 0.04),
    ("in_review", 0.10), ("accepted", 0.05), ("submitted", 0.06), ("corrections_requested", 0.02),
    ("draft", 0.04),
]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def applicant_number(n: int) -> str:
    """The n-th bench applicant's 公民身份号码 (GB 11643, valid check character)."""
    from zwfw.core.codes import resident_id_check_char

    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 7) % 20000)
    first17 = f"330106{born:%Y%m%d}{(n % 499) * 2 + 1:03d}"
    return first17 + resident_id_check_char(first17)


def _applicants() -> list[Any]:
    """APPLICANTS + 1 people with accounts; the submitters and the reader get a real password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from zwfw.identity.indexes import document_index, mobile_index
    from zwfw.identity.models import AssuranceLevel, DocumentType, Person

    user_model = get_user_model()
    total = APPLICANTS + 1
    have = set(user_model.objects.filter(username__startswith=USERNAME).values_list("username", flat=True))
    missing = [n for n in range(total) if f"{USERNAME}{n}" not in have]
    if missing:
        _log(f"  {len(missing):,} applicants ...")
        password = make_password(PASSWORD)  # one real hash for all: the submitters and the reader sign in
        for start in range(0, len(missing), 2000):
            batch = missing[start : start + 2000]
            with transaction.atomic():
                users = user_model.objects.bulk_create(
                    [user_model(username=f"{USERNAME}{n}", password=password) for n in batch]
                )
                people = []
                for n, user in zip(batch, users, strict=True):
                    number, mobile = applicant_number(n), f"137{n:08d}"
                    people.append(Person(
                        user=user, document_type=DocumentType.RESIDENT_ID, document_number=number,
                        document_index=document_index(DocumentType.RESIDENT_ID, number), name=f"压测申请人{n}",
                        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                        mobile=mobile, mobile_index=mobile_index(mobile),
                        assurance_level=AssuranceLevel.REGISTRY_MATCHED,
                    ))
                Person.objects.bulk_create(people)
    by_user = {p.user.username: p for p in Person.objects.select_related("user").filter(user__username__startswith=USERNAME)}
    return [by_user[f"{USERNAME}{n}"] for n in range(total)]


def _bench_item() -> Any:
    """婚姻登记档案查询 of 杭州市民政局 with its form and steps, its 婚姻登记信息 from data sharing only."""
    from zwfw.cases.models import ItemForm, ItemStep
    from zwfw.catalog.models import ImplementationItem, ItemStatus, Material, MaterialSource
    from zwfw.demo.cases import DANGAN

    template = ImplementationItem.objects.get(code=DANGAN, status=ItemStatus.PUBLISHED)
    code = template.department.credit_code + BENCH_ITEM_SERIAL
    item = ImplementationItem.objects.filter(code=code, status=ItemStatus.PUBLISHED).first()
    if item is not None:
        return item
    fields = [f.name for f in ImplementationItem._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    item = ImplementationItem(**{name: getattr(template, name) for name in fields})
    item.code, item.name, item.version = code, f"{template.name}（压测）", 1
    item.save()
    for material in template.materials.filter(source=MaterialSource.SHARED_DATA):
        copy = Material(**{f.attname: getattr(material, f.attname) for f in Material._meta.concrete_fields})
        copy.pk, copy.item_id = None, item.pk
        copy.save()
    form = ItemForm.objects.get(item=template)
    ItemForm.objects.create(item=item, schema=form.schema, layout=form.layout)
    ItemStep.objects.bulk_create([
        ItemStep(item=item, stage=s.stage, kind=s.kind, department_id=s.department_id, role=s.role)
        for s in ItemStep.objects.filter(item=template)
    ])
    return item


def _staff(department: Any) -> tuple[Any, str]:
    """The bench's clerk of 杭州市民政局 (three roles) and the secret of their authenticator app."""
    import pyotp
    from django.contrib.auth import get_user_model

    from zwfw.identity import totp
    from zwfw.identity.models import StaffMember, StaffRole, StaffRoleGrant

    user = get_user_model().objects.filter(username=STAFF).first()
    if user is None:
        user = get_user_model()(username=STAFF, is_staff=True)
        user.set_password(PASSWORD)
        user.save()
    staff, _ = StaffMember.objects.get_or_create(
        user=user, defaults={"name": "压测受理员", "department": department, "region_code": department.region_code},
    )
    for role in (StaffRole.WINDOW_CLERK, StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN):
        StaffRoleGrant.objects.get_or_create(staff=staff, role=role)
    device = totp.confirmed_device(user)
    if device is None:
        secret = totp.begin_enrollment(user=user).secret
        previous = pyotp.TOTP(secret).at(time.time() - totp.STEP_SECONDS)
        device = totp.confirm_enrollment(user=user, code=previous)
    return user, device.secret


def _weekday_add(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def generate_cases(n: int, people: list[Any], *, seed: int = 11, batch: int = 5000) -> int:
    """n cases of 杭州市民政局 with their steps, clock ledger and timeline; the first READER_CASES are
    the READER's. Numbers are taken as the counter would have given them, and the counter rows are
    set past them, so real submissions on those days would continue after."""
    from django.db import transaction

    from zwfw.cases.models import (
        Case,
        CaseCounter,
        CaseEvent,
        CaseStep,
        ClockEntry,
        ItemForm,
        ItemStep,
        StepStatus,
    )
    from zwfw.cases.numbers import make_case_number
    from zwfw.catalog.models import Department, ImplementationItem, ItemStatus
    from zwfw.core.calendar import CalendarNotLoaded, current_calendar

    rng = random.Random(seed)
    calendar = current_calendar()
    department = Department.objects.get(credit_code=HZMZ)
    # the bureau's own items (not bench/generate.py's copies for other cities, nor the bench item)
    items = list(ImplementationItem.objects.filter(department=department, status=ItemStatus.PUBLISHED,
                                                   region_code=department.region_code)
                 .exclude(code__endswith=BENCH_ITEM_SERIAL).exclude(code__regex=r"^.{18}G"))
    templates = {i.pk: list(ItemStep.objects.filter(item=i).order_by("stage", "id")) for i in items}
    forms = {f.item_id: f for f in ItemForm.objects.filter(item__in=items)}
    today = dt.datetime.now(SHANGHAI).date()
    first_day = dt.date(2025, 1, 2)
    days = [first_day + dt.timedelta(days=d) for d in range((today - first_day).days)]
    working = [d for d in days if calendar.is_working_day(d)]
    statuses, weights = zip(*STATUSES, strict=True)
    counters: dict[dt.date, int] = dict(CaseCounter.objects.filter(region_code="330100").values_list("day", "last"))

    def add(day: dt.date, k: int) -> dt.date:
        try:
            return calendar.add_working_days(day, k)
        except CalendarNotLoaded:  # beyond the loaded holiday calendar: weekdays only
            return _weekday_add(day, k)

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=SHANGHAI)

    started, written = time.monotonic(), 0
    while written < n:
        size = min(batch, n - written)
        cases, plans = [], []
        for k in range(written, written + size):
            item = rng.choice(items)
            person = people[READER] if k < READER_CASES else people[rng.randrange(APPLICANTS)]
            status = rng.choices(statuses, weights)[0]
            # the running ones are recent, the finished ones spread over the whole period
            recent = status in ("submitted", "corrections_requested", "accepted", "in_review", "approved", "draft")
            received = rng.choice(working[-25:] if recent else working[:-3])
            form = {"applicant_name": person.name, "id_number": person.document_number, "purpose": "其他",
                    "phone": person.mobile} if item.pk in forms else {"申请事项": item.name}
            case = Case(item=item, department=department, region_code=item.region_code, applicant=person,
                        channel=rng.choice(("web", "mobile", "mobile", "window")), status=status, form_data=form,
                        legal_limit_days=item.legal_limit_days, promised_limit_days=item.promised_limit_days)
            if status != "draft":
                counters[received] = counters.get(received, 0) + 1
                case.number = make_case_number(region_code=item.region_code, day=received, sequence=counters[received]).value
                case.idempotency_key = f"{GENERATED_KEY}{uuid.uuid4().hex}"
                case.request_digest = hashlib.sha256(case.idempotency_key.encode()).hexdigest()
                case.submitted_at, case.received_on = at(received, 9 + rng.randrange(8)), received
            if status in ("accepted", "in_review", "approved", "disapproved", "completed") or (
                status == "withdrawn" and rng.random() < 0.5
            ):
                accepted = add(received, rng.randrange(0, 3))
                case.accepted_on, case.accepted_at = accepted, at(accepted, 15)
                case.legal_due_on = add(accepted, item.legal_limit_days)
                case.promised_due_on = add(accepted, item.promised_limit_days)
            if status in ("approved", "disapproved", "completed") and case.accepted_on:
                decided = add(case.accepted_on, rng.randrange(0, max(1, item.promised_limit_days) + 1))
                case.decided_at = at(min(decided, today - dt.timedelta(days=1)), 16)
                if status == "completed":
                    case.completed_at = case.decided_at + dt.timedelta(hours=rng.randrange(1, 40))
                    case.delivery_method = rng.choice(("electronic", "electronic", "window", "express"))
            if status == "refused":
                case.refusal_reason = "申请事项不属于本机关职权范围，请向户籍所在地乡镇人民政府（街道办事处）申请"
            if status == "withdrawn":
                case.withdrawn_at = case.submitted_at + dt.timedelta(days=1)
            case.public_id = uuid.uuid4()
            cases.append(case)
            plans.append(templates.get(item.pk) or [])
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            steps, ledger, events = [], [], []
            for case, plan in zip(cases, plans, strict=True):
                if case.submitted_at:
                    events.append(CaseEvent(case=case, action="submit", status_before="draft",
                                            status_after="submitted", actor=f"person:{case.applicant.public_id}",
                                            at=case.submitted_at))
                if case.accepted_on is None:
                    continue
                ledger.append(ClockEntry(case=case, seq=1, kind="start", on=case.accepted_on, at=case.accepted_at,
                                         actor=f"staff:{uuid.UUID(int=1)}"))
                events.append(CaseEvent(case=case, action="accept", status_before="submitted", status_after="accepted",
                                        actor="staff:bench", at=case.accepted_at))
                immediate = case.item.handling_type == "immediate"
                stages = sorted({t.stage for t in plan if not immediate or t.kind == "decision"})
                if case.status == "in_review" and len(stages) > 1:
                    current = rng.choice(stages[1:])  # a first step was acted on
                else:
                    current = stages[0] if stages else 0
                for template in plan:
                    if immediate and template.kind != "decision":
                        status = StepStatus.SKIPPED
                    elif case.status in ("approved", "completed", "disapproved"):
                        status = StepStatus.APPROVED
                    elif case.status == "withdrawn":
                        status = StepStatus.SKIPPED
                    elif template.stage < current:
                        status = StepStatus.APPROVED
                    elif template.stage == current:
                        status = StepStatus.ACTIVE
                    else:
                        status = StepStatus.WAITING
                    steps.append(CaseStep(case=case, stage=template.stage, kind=template.kind,
                                          department_id=template.department_id, role=template.role, status=status))
                if case.decided_at:
                    events.append(CaseEvent(case=case, action="decide", status_before="in_review",
                                            status_after=case.status if case.status != "completed" else "approved",
                                            actor="staff:bench", at=case.decided_at))
            CaseStep.objects.bulk_create(steps, batch_size=2000)
            ClockEntry.objects.bulk_create(ledger, batch_size=2000)
            CaseEvent.objects.bulk_create(events, batch_size=2000)
        written += size
        if written % 20000 < batch:
            _log(f"  {written:,} cases generated ({time.monotonic() - started:.0f} s)")
    for day, last in counters.items():
        CaseCounter.objects.update_or_create(region_code="330100", day=day, defaults={"last": last})
    return written


APP_REDIRECT_URI = "https://app.bench.example/callback"


def _mobile_app(reader: Any) -> dict:
    """A mobile app registered as an OpenID Connect client, with the READER's consent (the status
    read runs as an app would: a bearer access token from the code flow)."""
    import io

    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import Application

    from zwfw.identity.models import Consent

    state_file = Path(os.environ["ZWFW_DATA_DIR"]) / "bench-cases-app.json"
    if state_file.exists():
        client = json.loads(state_file.read_text(encoding="utf-8"))
    else:
        out = io.StringIO()
        call_command("oidc_client", "create", "--name", "压测移动端", "--redirect-uri", APP_REDIRECT_URI, stdout=out)
        client = json.loads(out.getvalue())
        state_file.write_text(json.dumps(client), encoding="utf-8")
    application = Application.objects.get(client_id=client["client_id"])
    Consent.objects.get_or_create(user_id=reader.user_id, application=application, revoked_at=None,
                                  defaults={"scopes": ["openid", "profile"], "granted_at": timezone.now()})
    return {"client_id": client["client_id"], "client_secret": client["client_secret"],
            "redirect_uri": APP_REDIRECT_URI}


RUN_KEYS = ("bench-", "profile-")  # idempotency keys of the cases the submission scenario and profiles make


def _forget_earlier_runs() -> None:
    """The cases earlier submission runs and profiles made are removed: every run's queue and counts
    start from the generated book of cases, not from the thousands of submissions runs leave behind."""
    from django.db.models import Q

    from zwfw.cases.models import Case

    # only the bench's own applicants' cases: an idempotency key is the client's choice, and a real
    # citizen's could start the same way
    made = Case.objects.filter(Q(*[("idempotency_key__startswith", key) for key in RUN_KEYS], _connector=Q.OR),
                               applicant__user__username__startswith=USERNAME)
    count = made.count()
    if count:
        _log(f"  removing the {count:,} cases of earlier submission runs ...")
        made.delete()


def setup(cases: int) -> dict:
    _setup_django()
    from django.db import connection

    from zwfw.cases.models import Case
    from zwfw.catalog.models import Department
    from zwfw.demo.cases import ensure_item_forms

    ensure_item_forms()
    _forget_earlier_runs()
    item = _bench_item()
    department = Department.objects.get(credit_code=HZMZ)
    _, secret = _staff(department)
    people = _applicants()
    generated = Case.objects.filter(idempotency_key__startswith=GENERATED_KEY).count()
    generated += Case.objects.filter(status="draft", applicant__user__username__startswith=USERNAME).count()
    if generated < cases:
        _log(f"  {cases - generated:,} cases ...")
        started = time.monotonic()
        generate_cases(cases - generated, people)
        _log(f"  done in {time.monotonic() - started:.1f} s")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case; ANALYZE cases_casestep")
    reader = people[READER]
    read_ids = list(Case.objects.filter(applicant=reader).values_list("public_id", flat=True)[:READER_CASES])
    paths_file = Path(os.environ["ZWFW_DATA_DIR"]) / "bench-case-read-paths.txt"
    paths_file.write_text("".join(f"/api/v1/cases/mine/{pk}/status\n" for pk in read_ids), encoding="ascii")
    return {
        "item_id": item.pk,
        "item_code": item.code,
        "form": {"purpose": "办理不动产登记", "registered_year": 2012, "phone": "13700000000"},
        "submitters": [{"identifier": f"137{n:08d}", "password": PASSWORD} for n in range(SUBMITTERS)],
        "reader": {"identifier": f"137{READER:08d}", "password": PASSWORD},
        "app": _mobile_app(reader),
        "read_paths_file": str(paths_file),
        "read_paths": len(read_ids),
        "staff": {"username": STAFF, "password": PASSWORD, "totp_secret": secret},
        "cases": Case.objects.count(),
        "department_cases": Case.objects.filter(department=department).count(),
    }


def count(prefix: str) -> dict:
    _setup_django()
    from django.db.models import Count

    from zwfw.cases.models import Case

    rows = Case.objects.filter(idempotency_key__startswith=prefix)
    per_key = rows.values("applicant_id", "idempotency_key").annotate(n=Count("id"))
    return {"cases": rows.count(), "distinct_keys": per_key.count(),
            "keys_with_two_cases": sum(1 for r in per_key if r["n"] > 1)}


def profile(scenario: str, requests: int) -> None:
    """cProfile of ``requests`` requests of a scenario through Django's test Client, in process."""
    _setup_django()
    import cProfile
    import io
    import pstats

    from django.test import Client

    from zwfw.identity.models import Person

    setup_data = json.loads((Path(os.environ["ZWFW_DATA_DIR"]) / "bench-cases-setup.json").read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    if scenario == "workbench":
        from django.contrib.auth import get_user_model

        _force_staff_login(client, get_user_model().objects.get(username=STAFF))
        paths = [f"/cases/workbench/?page={1 + n % 20}" for n in range(requests)]
        calls = [lambda p=p: client.get(p) for p in paths]
    elif scenario == "read":
        client.force_login(Person.objects.get(user__username=f"{USERNAME}{READER}").user)
        lines = Path(setup_data["read_paths_file"]).read_text().split()
        paths = [lines[n % len(lines)] for n in range(requests)]
        calls = [lambda p=p: client.get(p) for p in paths]
    else:
        client.force_login(Person.objects.get(user__username=f"{USERNAME}0").user)
        run = uuid.uuid4().hex[:8]
        body = json.dumps({"item_id": setup_data["item_id"], "form_data": setup_data["form"]})
        calls = [lambda n=n: client.post("/api/v1/cases/submissions", body, content_type="application/json",
                                         HTTP_IDEMPOTENCY_KEY=f"profile-{run}-{n}") for n in range(requests)]
    first = calls[0]()
    if first.status_code >= 400:
        print(f"first request answered {first.status_code}: {first.content[:300]!r}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for call in calls[1:]:
        call()
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(40)
    print(f"{scenario}: {requests - 1} requests in {elapsed:.2f} s ({(requests - 1) / elapsed:.0f}/s in process, "
          f"profiled)\n")
    print(out.getvalue())


def _force_staff_login(client: Any, user: Any) -> None:
    """A staff session as the two-factor sign-in leaves it (the MFA step recorded in the session)."""
    from zwfw.identity import authn

    client.force_login(user)
    mark = getattr(authn, "mark_second_factor", None)
    if mark is not None:  # pragma: no cover - depends on the identity module's helper
        session = client.session
        mark(session)
        session.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("setup", help="forms, bench item, applicants, staff, generated cases")
    made.add_argument("--cases", type=int, default=DEFAULT_CASES)
    counted = commands.add_parser("count", help="cases of the submission run (key prefix)")
    counted.add_argument("prefix")
    profiled = commands.add_parser("profile", help="cProfile of one scenario's requests, in process")
    profiled.add_argument("scenario", choices=["submit", "read", "workbench"])
    profiled.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if args.command == "setup":
        result = setup(args.cases)
        (Path(os.environ["ZWFW_DATA_DIR"]) / "bench-cases-setup.json").write_text(json.dumps(result))
    elif args.command == "count":
        result = count(args.prefix)
    else:
        profile(args.scenario, args.requests)
        return 0
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
