"""Seal signing and verification rates, in process and single-threaded, beside the raw libraries.

    python bench/seals_bench.py                  # 3 s per side of each row, a table on stdout
    python bench/seals_bench.py --seconds 1 --json

Run by bench/run.py against its migrated data directory (the environment names the database,
ZWFW_DATA_DIR, the seal KEK and DJANGO_SETTINGS_MODULE=zwfw.settings); works against any migrated
one. Creates once, and reuses on later runs: the node's PKI (``pki_init``), a department, three
staff (a department admin who requests the seal, a platform admin who reviews it, another who
makes it) and the seal, all through the services.

Each row times zwfw's path and, where there is one, the library's own call with a key in memory
(``cryptography`` ECDSA P-256 with SHA-256; ``gmssl_pyx`` SM2 with the default user ID) on the
same 1 KiB messages: 16 distinct ones in turn, each with its own signature, so that nothing
remembered per signature could flatter a figure. The two sides run in alternating slices of
0.1 s (zwfw first, then raw first, ...) until each has run ``--seconds``. The table shows each
side's best slice and their ratio — as ``timeit`` takes the minimum: another process on the
shared CPUs only ever slows a slice down (Python-heavy code more than a C loop) — and the JSON
adds the medians (of the slices, and of each adjacent pair's ratio). Rows without a raw
counterpart run ``--seconds`` at once and show their mean rate.

* ES256: ``keystore().sign`` (unwraps the key for each signature) and ``verification.check_jws``
  (header rules, signature, trust; no database once warm) on tokens from ``signing.sign_data``;
* SM2: ``gm.sm2_sign`` / ``gm.sm2_verify`` with the raw side's key, the key store's SM2 signature,
  ``ses.sign_data`` (a GB/T 38540 SES_Signature) and ``verification.check_ses`` (data hash, the
  signature over DER(TBS_Sign) — which embeds the whole seal, image included — the embedded seal's
  maker signature, certificates) on signatures from ``signing.sign_data``: the steady state of a
  node, which checks a seal's maker signature once per process; a second SES row puts it beside
  the raw library on messages the size of that TBS_Sign;
* PDF: ``signing.sign_pdf`` of a one-page notice (PAdES, with its usage record and audit entry)
  and ``verification.verify_pdf`` of signed ones; no raw counterpart.

A verification row meets its target when zwfw runs at >= 70% of the raw library's rate.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

VERIFY_TARGET = 0.70
SLICE_S = 0.1
DISTINCT = 16  # messages, each signed once per side, verified in turn
RAW_1K = "the same 1 KiB messages"
BENCH_ORG = "99000001"  # organisation number of the bench's department (机关, 浙江省)
BENCH_USERS = {
    "platform": "bench-seal-platform",
    "platform2": "bench-seal-platform2",
    "dept_admin": "bench-seal-dept-admin",
}


def message(n: int) -> bytes:
    """A decision as a department's system would sign it: 1 KiB of JSON, the n-th of a series."""
    text = json.dumps(
        {
            "document": "准予行政许可决定书",
            "number": f"杭市监许〔2026〕{n + 1}号",
            "applicant": "杭州示例科技有限公司",
            "item": "食品经营许可",
            "decision": "经审查，你单位提交的申请材料齐全、符合法定形式，决定准予行政许可。" * 5,
        },
        ensure_ascii=False,
    ).encode()
    return text[:1024].ljust(1024, b" ")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()


def _run(fn: Callable[[], Any], budget: float) -> tuple[int, float]:
    """Calls of ``fn`` for about ``budget`` seconds (at least one): (count, elapsed)."""
    count = 0
    start = time.perf_counter()
    deadline = start + budget
    while True:
        fn()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count, now - start


def measure(zwfw: Callable[[], Any], raw: Callable[[], Any] | None, seconds: float) -> dict[str, float]:
    """Rates of both sides (warmed first) over alternating slices: the best slice of each side and
    their ratio, and the medians (of the slices, and of each adjacent pair's ratio). A side with
    no counterpart runs ``seconds`` at once: its mean rate."""
    for _ in range(3):
        zwfw()
        if raw is not None:
            raw()
    if raw is None:
        count, elapsed = _run(zwfw, seconds)
        return {"zwfw_ops_per_s": count / elapsed}
    sides = {"zwfw": zwfw, "raw": raw}
    spent = {"zwfw": 0.0, "raw": 0.0}
    pairs: list[dict[str, float]] = []
    for turn in itertools.count():
        if min(spent.values()) >= seconds:
            break
        pair = {}
        for name in ("zwfw", "raw") if turn % 2 == 0 else ("raw", "zwfw"):
            count, elapsed = _run(sides[name], SLICE_S)
            spent[name] += elapsed
            pair[name] = count / elapsed
        pairs.append(pair)
    best = {name: max(p[name] for p in pairs) for name in sides}
    return {
        "zwfw_ops_per_s": best["zwfw"],
        "raw_ops_per_s": best["raw"],
        "zwfw_to_raw": best["zwfw"] / best["raw"],
        "zwfw_median_ops_per_s": statistics.median(p["zwfw"] for p in pairs),
        "raw_median_ops_per_s": statistics.median(p["raw"] for p in pairs),
        "zwfw_to_raw_median": statistics.median(p["zwfw"] / p["raw"] for p in pairs),
        "slices_per_side": len(pairs),
    }


def _turns(items: list) -> Callable[[], Any]:
    """The items in turn, one per call."""
    return itertools.cycle(items).__next__


# --- the seal ------------------------------------------------------------------------------------


def _staff(username: str, role: str, department: Any) -> Any:
    from django.contrib.auth import get_user_model

    from zwfw.identity.models import StaffMember, StaffRoleGrant

    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    staff, _ = StaffMember.objects.get_or_create(
        user=user,
        defaults={
            "name": f"压测{username.removeprefix('bench-seal-')}",
            "department": department,
            "region_code": department.region_code if department else "330000",
        },
    )
    StaffRoleGrant.objects.get_or_create(staff=staff, role=role)
    return staff


def bench_seal() -> Any:
    """The bench's seal (made on the first run, through request -> review -> make)."""
    from django.utils import timezone

    from zwfw.catalog.models import Department
    from zwfw.core.codes import credit_code_check_char, org_code_check_char
    from zwfw.identity.models import StaffRole
    from zwfw.seals import pki, services
    from zwfw.seals.models import Seal, SealStatus

    pki.pki_init(actor="system:bench")
    first17 = f"11330000{BENCH_ORG}{org_code_check_char(BENCH_ORG)}"
    # A police department: the licence rows issue it 居住证, which only 公安机关 issue (the type's
    # 颁发部门类别, checked at issuance); data dirs made before are renamed.
    department, _ = Department.objects.update_or_create(
        credit_code=first17 + credit_code_check_char(first17),
        defaults={"name": "压测市公安局", "region_code": "330100", "level": "municipal"},
    )
    usable = Seal.objects.filter(
        department=department, status=SealStatus.ACTIVE, valid_to__gt=timezone.now() + dt.timedelta(days=1)
    )
    found = usable.select_related("ecdsa_key", "sm2_key", "department").order_by("-pk").first()
    if found is not None:
        return found
    people = {
        "platform": _staff(BENCH_USERS["platform"], StaffRole.PLATFORM_ADMIN, None),
        "platform2": _staff(BENCH_USERS["platform2"], StaffRole.PLATFORM_ADMIN, None),
        "dept_admin": _staff(BENCH_USERS["dept_admin"], StaffRole.DEPARTMENT_ADMIN, department),
    }
    request = services.request_seal(
        actor=people["dept_admin"].user,
        department=department,
        kind="special",
        owner_name=department.name,
        purpose="行政审批专用章",
        valid_to=timezone.now() + dt.timedelta(days=365 * 3),
        reason="压测：电子签章性能",
    )
    services.review_request(actor=people["platform2"].user, request=request, approve=True, comment="同意")
    made = services.make_seal(actor=people["platform"].user, request=request)
    return Seal.objects.select_related("ecdsa_key", "sm2_key", "department").get(pk=made.pk)


# --- the rows ------------------------------------------------------------------------------------


def run(seconds: float, log: Callable[[str], None] = lambda text: None) -> list[dict]:
    """Every row of the table, as dicts (the JSON results)."""
    _setup_django()
    import gmssl_pyx
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.utils import timezone

    from zwfw.seals import documents, gm, ses, signing, verification
    from zwfw.seals.keystore import keystore

    seal = bench_seal()
    store = keystore()
    actor = signing.SigningActor(system="system:bench")
    messages = [message(n) for n in range(DISTINCT)]
    next_message = _turns(messages)

    # The libraries on their own, with keys in memory.
    p256 = ec.generate_private_key(ec.SECP256R1())
    p256_public = p256.public_key()
    ecdsa = ec.ECDSA(hashes.SHA256())
    next_p256 = _turns([(data, p256.sign(data, ecdsa)) for data in messages])
    sm2_public64, sm2_private = (bytes(part) for part in gmssl_pyx.sm2_key_generate())
    uid = gm.SM2_DEFAULT_UID
    next_sm2 = _turns([(data, gmssl_pyx.sm2_sign(sm2_private, sm2_public64, data, uid)) for data in messages])

    def raw_es256_sign() -> None:
        p256.sign(next_message(), ecdsa)

    def raw_es256_verify() -> None:
        data, signature = next_p256()
        p256_public.verify(signature, data, ecdsa)  # raises InvalidSignature

    def raw_sm2_sign() -> None:
        gmssl_pyx.sm2_sign(sm2_private, sm2_public64, next_message(), uid)

    def raw_sm2_verify() -> None:
        data, signature = next_sm2()
        if not gmssl_pyx.sm2_verify(sm2_public64, data, signature, uid):
            raise AssertionError("raw SM2 signature did not verify")

    # zwfw's: the primitives with the raw side's key (gm takes 04 ‖ x ‖ y and gives r ‖ s), then the
    # seal's keys in the key store and signatures made as a department's system makes them.
    gm_public = b"\x04" + sm2_public64
    next_gm = _turns([(data, gm.sm2_sign(sm2_private, data, public_key=gm_public)) for data in messages])
    jws_tokens = [
        (data, signing.sign_data(actor=actor, seal=seal, data=data, purpose="压测", fmt="jws").signature)
        for data in messages
    ]
    next_token = _turns(jws_tokens)
    ses_signatures = [
        (
            data,
            base64.b64decode(
                signing.sign_data(actor=actor, seal=seal, data=data, purpose="压测", fmt="ses").signature
            ),
        )
        for data in messages
    ]
    next_ses = _turns(ses_signatures)
    for data, token in jws_tokens:
        if not verification.check_jws(token, data).ok:
            raise SystemExit("the bench's own JWS does not verify")
    for data, der in ses_signatures:
        if not verification.check_ses(der, data).valid:
            raise SystemExit("the bench's own SES_Signature does not verify")
    ses_seal, sm2_certificate = bytes(seal.ses_seal), bytes(seal.sm2_certificate)
    # An SES_Signature's SM2 signature covers DER(TBS_Sign), the whole seal (image included) inside
    # it: the raw library on bytes of that size, for a row that shows the format's share of the gap.
    tbs_signed = [bytes(ses.SES_Signature.load(der)["toSign"].dump()) for _, der in ses_signatures]
    next_sm2_tbs = _turns(
        [(tbs, gmssl_pyx.sm2_sign(sm2_private, sm2_public64, tbs, uid)) for tbs in tbs_signed]
    )
    tbs_kb = round(len(tbs_signed[0]) / 1024)

    def raw_sm2_verify_tbs() -> None:
        tbs, signature = next_sm2_tbs()
        if not gmssl_pyx.sm2_verify(sm2_public64, tbs, signature, uid):
            raise AssertionError("raw SM2 signature did not verify")

    def zwfw_es256_sign() -> None:
        store.sign(seal.ecdsa_key, next_message())

    def zwfw_jws_verify() -> None:
        data, token = next_token()
        if not verification.check_jws(token, data).ok:
            raise AssertionError("JWS did not verify")

    def zwfw_sm2_sign() -> None:
        gm.sm2_sign(sm2_private, next_message(), public_key=gm_public)

    def zwfw_sm2_keystore_sign() -> None:
        store.sign(seal.sm2_key, next_message())

    def zwfw_sm2_verify() -> None:
        data, signature = next_gm()
        if not gm.sm2_verify(gm_public, data, signature):
            raise AssertionError("SM2 signature did not verify")

    def zwfw_ses_sign() -> None:
        ses.sign_data(
            data=next_message(),
            seal=ses_seal,
            signer_certificate=sm2_certificate,
            signer_sign=lambda tbs: store.sign(seal.sm2_key, tbs),
            time_info=timezone.now(),
            property_info="zwfw:detached-data",
        )

    def zwfw_ses_verify() -> None:
        data, der = next_ses()
        if not verification.check_ses(der, data).valid:
            raise AssertionError("SES_Signature did not verify")

    notice = documents.render_notice_pdf(
        title="准予行政许可决定书",
        paragraphs=[
            "经审查，你单位提交的申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十八条，决定准予行政许可。"
        ],
        issuer=seal.department.name,
        issued_on=timezone.localdate(),
    )
    signed_pdfs = [signing.sign_pdf(actor=actor, seal=seal, pdf=notice, purpose="压测") for _ in range(4)]
    if not all(verification.verify_pdf(pdf).valid for pdf in signed_pdfs):
        raise SystemExit("the bench's own signed PDF does not verify")
    next_pdf = _turns(signed_pdfs)

    def zwfw_pdf_sign() -> None:
        signing.sign_pdf(actor=actor, seal=seal, pdf=notice, purpose="压测")

    def zwfw_pdf_verify() -> None:
        if not verification.verify_pdf(next_pdf()).valid:
            raise AssertionError("signed PDF did not verify")

    raw_tbs = f"{tbs_kb} KB messages: the size of the DER(TBS_Sign) its SM2 signature covers"
    # name, zwfw's side, raw's side, verification row (with the target)?, what zwfw does, raw's messages
    plan: list[tuple[str, Callable[[], None], Callable[[], None] | None, bool, str, str]] = [
        (
            "ES256 sign (key store)",
            zwfw_es256_sign,
            raw_es256_sign,
            False,
            "keystore().sign: unwrap + sign",
            RAW_1K,
        ),
        ("ES256 verify (JWS)", zwfw_jws_verify, raw_es256_verify, True, "verification.check_jws", RAW_1K),
        (
            "SM2 sign (gm.sm2_sign)",
            zwfw_sm2_sign,
            raw_sm2_sign,
            False,
            "gm.sm2_sign: sign, verify it",
            RAW_1K,
        ),
        ("SM2 sign (key store)", zwfw_sm2_keystore_sign, raw_sm2_sign, False, "keystore().sign", RAW_1K),
        ("SM2 sign (SES_Signature)", zwfw_ses_sign, raw_sm2_sign, False, "ses.sign_data, key store", RAW_1K),
        ("SM2 verify (gm.sm2_verify)", zwfw_sm2_verify, raw_sm2_verify, True, "gm.sm2_verify", RAW_1K),
        (
            "SM2 verify (SES_Signature)",
            zwfw_ses_verify,
            raw_sm2_verify,
            True,
            "verification.check_ses",
            RAW_1K,
        ),
        (
            "  raw on TBS_Sign's size",
            zwfw_ses_verify,
            raw_sm2_verify_tbs,
            False,
            "verification.check_ses",
            raw_tbs,
        ),
        ("PDF sign (PAdES)", zwfw_pdf_sign, None, False, "signing.sign_pdf: usage record, audit entry", ""),
        ("PDF verify (PAdES)", zwfw_pdf_verify, None, False, "verification.verify_pdf", ""),
    ]
    rows = []
    for name, zwfw, raw, is_verification, what, raw_messages in plan:
        log(f"  {name.strip()} ...")
        figures = {
            key: round(value, 3 if "_to_" in key else 1) for key, value in measure(zwfw, raw, seconds).items()
        }
        ratio = figures.get("zwfw_to_raw")
        rows.append(
            {
                "name": name,
                "zwfw": what,
                "raw_messages": raw_messages,
                "raw_ops_per_s": None,
                "zwfw_to_raw": None,
                **figures,
                "target": f">= {VERIFY_TARGET:.0%} of raw" if is_verification else "",
                "meets_target": (ratio is not None and ratio >= VERIFY_TARGET) if is_verification else None,
            }
        )
    return rows


def print_table(rows: list[dict], out=sys.stdout) -> None:
    print(f"{'seal operation':<28} {'zwfw ops/s':>10} {'raw ops/s':>10} {'zwfw/raw':>9}  target", file=out)
    for row in rows:
        raw = f"{row['raw_ops_per_s']:>10.0f}" if row["raw_ops_per_s"] is not None else f"{'—':>10}"
        ratio = f"{row['zwfw_to_raw']:.1%}" if row["zwfw_to_raw"] is not None else "—"
        verdict = f"(raw on {row['raw_messages']})" if row["raw_messages"] not in (RAW_1K, "") else ""
        if row["meets_target"] is not None:
            verdict = f"{row['target']} — {'met' if row['meets_target'] else 'MISSED'}"
        print(
            f"{row['name']:<28} {row['zwfw_ops_per_s']:>10.0f} {raw} {ratio:>9}  {verdict}".rstrip(), file=out
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="time per side of each row (default 3)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args()
    rows = run(args.seconds, log=lambda text: print(text, file=sys.stderr, flush=True))
    if args.json:
        json.dump(
            {"seconds_per_side": args.seconds, "slice_s": SLICE_S, "operations": rows},
            sys.stdout,
            ensure_ascii=False,
        )
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
