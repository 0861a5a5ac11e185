"""Micro-benchmark of catalogue search (事项搜索), in process, over N generated published items.

    python bench/search_bench.py                 # 100,000 items into the database configured by the environment
    python bench/search_bench.py --items 20000 --queries 2000
    python bench/search_bench.py --reuse         # the items are already there: only rebuild and time
    python bench/search_bench.py --reuse --no-rebuild   # only time the queries

Prints the index build time and p50/p99 per query kind, uncached (every query goes to the database) and
cached (the normal path: a repeated query costs one token read and one cache read). Importable:
``generate_items(n, seed=1)`` writes the items (bulk_create, no seed data needed), then call
``zwfw.catalog.search.rebuild_index()``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

# (name, aliases, audience, topic) of real, frequently used service items
SERVICES: list[tuple[str, list[str], str, str]] = [
    ("社会保障卡申领", ["社保卡", "社保卡办理"], "person", "employment"),
    ("社会保障卡补换", ["社保卡补办"], "person", "employment"),
    ("社会保障卡挂失", ["社保卡挂失"], "person", "employment"),
    ("社保关系转移", [], "person", "employment"),
    ("城乡居民养老保险参保登记", ["养老保险"], "person", "retirement"),
    ("失业保险金申领", ["失业金"], "person", "employment"),
    ("住房公积金提取", ["公积金提取"], "person", "housing"),
    ("住房公积金贷款", ["公积金贷款"], "person", "housing"),
    ("住房公积金缴存登记", [], "enterprise", "housing"),
    ("居民身份证换领", ["身份证换证"], "person", "household"),
    ("居民身份证补领", ["身份证补办", "身份证丢失"], "person", "household"),
    ("居民身份证首次申领", ["办身份证"], "person", "household"),
    ("临时居民身份证申领", ["临时身份证"], "person", "household"),
    ("户口迁移", ["迁户口"], "person", "household"),
    ("出生登记", ["新生儿落户"], "person", "birth"),
    ("机动车驾驶证补领", ["驾照补办"], "person", "traffic"),
    ("机动车驾驶证换领", ["驾照换证"], "person", "traffic"),
    ("机动车注册登记", ["上牌"], "both", "traffic"),
    ("机动车检验合格标志核发", ["年检"], "both", "traffic"),
    ("食品经营许可", ["食品经营许可证"], "enterprise", "business"),
    ("食品生产许可", [], "enterprise", "business"),
    ("企业设立登记", ["开公司", "注册公司"], "enterprise", "business"),
    ("企业注销登记", ["公司注销"], "enterprise", "business"),
    ("营业执照变更", ["执照变更"], "enterprise", "business"),
    ("个体工商户设立登记", ["个体户"], "person", "business"),
    ("不动产登记", ["房产证"], "both", "housing"),
    ("不动产抵押登记", [], "both", "housing"),
    ("不动产登记资料查询", ["查房产"], "both", "housing"),
    ("婚姻登记", ["结婚登记"], "person", "marriage"),
    ("离婚登记", [], "person", "marriage"),
    ("补领结婚证", [], "person", "marriage"),
    ("出入境证件办理", ["护照", "港澳通行证"], "person", "travel"),
    ("普通护照签发", ["办护照"], "person", "travel"),
    ("往来港澳通行证签发", ["港澳通行证"], "person", "travel"),
    ("医保参保登记", ["医保"], "person", "medical"),
    ("基本医疗保险关系转移接续", ["医保转移"], "person", "medical"),
    ("异地就医备案", ["异地医保"], "person", "medical"),
    ("生育登记", ["准生证"], "person", "birth"),
    ("生育保险待遇核准支付", ["生育津贴"], "person", "birth"),
    ("建设工程规划许可", [], "enterprise", "construction"),
    ("建筑工程施工许可", ["施工许可证"], "enterprise", "construction"),
    ("排污许可", [], "enterprise", "environment"),
    ("道路运输经营许可", [], "enterprise", "business"),
    ("药品经营许可", [], "enterprise", "business"),
    ("医疗机构执业登记", [], "enterprise", "medical"),
    ("教师资格认定", ["教资认定"], "person", "education"),
    ("义务教育入学登记", ["入学报名"], "person", "education"),
    ("高龄津贴发放", [], "person", "retirement"),
    ("最低生活保障审核", ["低保"], "person", "assistance"),
    ("残疾人证办理", ["残疾证"], "person", "assistance"),
    ("退役军人优待证申领", [], "person", "assistance"),
    ("增值税发票领用", ["领发票"], "enterprise", "tax"),
    ("个人所得税汇算清缴", ["个税退税"], "person", "tax"),
    ("纳税证明开具", ["完税证明"], "both", "tax"),
    ("劳动合同备案", [], "enterprise", "employment"),
    ("就业登记", [], "person", "employment"),
    ("人才引进落户", [], "person", "household"),
    ("公共租赁住房申请", ["公租房"], "person", "housing"),
    ("燃气经营许可", [], "enterprise", "business"),
    ("烟草专卖零售许可", ["烟草证"], "enterprise", "business"),
]
VARIANTS = ["", "", "", "（个人）", "（单位）", "（网上办理）", "（窗口办理）", "（延续）", "（变更）", "（补办）", "（注销）"]
REGIONS = [
    ("330100", "杭州市"), ("330200", "宁波市"), ("330300", "温州市"), ("330400", "嘉兴市"), ("330500", "湖州市"),
    ("330600", "绍兴市"), ("330700", "金华市"), ("330800", "衢州市"), ("330900", "舟山市"), ("331000", "台州市"),
    ("331100", "丽水市"), ("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区"), ("330108", "滨江区"),
    ("330109", "萧山区"), ("330110", "余杭区"), ("330203", "海曙区"), ("330212", "鄞州区"), ("330302", "鹿城区"),
    ("330381", "瑞安市"), ("330382", "乐清市"), ("330402", "南湖区"), ("330481", "海宁市"), ("330602", "越城区"),
    ("330681", "诸暨市"), ("330702", "婺城区"), ("330782", "义乌市"), ("330783", "东阳市"), ("331002", "椒江区"),
]
DEPARTMENTS = [
    ("人力资源和社会保障局", "人社局"), ("住房公积金管理中心", "公积金中心"), ("公安局", "公安局"),
    ("市场监督管理局", "市场监管局"), ("自然资源和规划局", "规划局"), ("民政局", "民政局"),
    ("医疗保障局", "医保局"), ("卫生健康委员会", "卫健委"), ("住房和城乡建设局", "住建局"),
    ("生态环境局", "环境局"), ("交通运输局", "交通局"), ("教育局", "教育局"), ("税务局", "税务局"),
    ("退役军人事务局", "退役军人局"), ("残疾人联合会", "残联"),
]
TOPICS = [
    ("employment", "就业创业", "person"), ("retirement", "退休养老", "person"), ("housing", "住房保障", "person"),
    ("household", "户籍办理", "person"), ("birth", "生育收养", "person"), ("traffic", "交通出行", "person"),
    ("business", "开办企业", "enterprise"), ("marriage", "婚姻登记", "person"), ("travel", "出境入境", "person"),
    ("medical", "医疗卫生", "person"), ("construction", "工程建设", "enterprise"),
    ("environment", "环境保护", "enterprise"), ("education", "教育科研", "person"),
    ("assistance", "社会救助", "person"), ("tax", "税收财务", "enterprise"),
]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    os.environ.setdefault("ZWFW_DEMO", "1")
    import django

    django.setup()


def _credit_code(n: int) -> str:
    from zwfw.core.codes import credit_code_check_char, org_code_check_char

    org = f"B{n:07d}"
    first17 = f"11330000{org}{org_code_check_char(org)}"
    return first17 + credit_code_check_char(first17)


def _serial(i: int) -> str:
    digits = []
    for _ in range(12):
        i, r = divmod(i, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "S" + "".join(reversed(digits))


def generate_items(n: int, *, seed: int = 1, batch: int = 5000, out: Any = sys.stdout) -> int:
    """Write n published implementation items (varied real service names, regions, departments, aliases,
    facets, topics, skewed popularity) with bulk_create; returns how many were written. The search
    index is not touched: call rebuild_index() afterwards."""
    from django.db import transaction

    from zwfw.catalog.models import BaseItem, Department, ImplementationItem, ItemStatus, Topic

    rng = random.Random(seed)
    run = rng.randrange(10**4)
    with transaction.atomic():
        departments = []
        for d, (name, short) in enumerate(DEPARTMENTS):
            for r, (region_code, region_name) in enumerate(REGIONS):
                code = _credit_code(run * 1000 + d * 40 + r)
                departments.append(
                    Department(credit_code=code, name=f"{region_name}{name}", short_name=f"{region_name}{short}",
                               region_code=region_code, level="municipal")
                )
        departments = Department.objects.bulk_create(departments, batch_size=500)
        topics = {}
        for code, name, audience in TOPICS:
            topics[code], _ = Topic.objects.get_or_create(code=f"bench-{code}",
                                                          defaults={"name": name, "audience": audience})
        bases = BaseItem.objects.bulk_create(
            BaseItem(code=f"B{run:04d}{i:05d}", name=s[0], kind="public_service", exercise_level="municipal",
                     legal_limit_days=20)
            for i, s in enumerate(SERVICES)
        )
    through = ImplementationItem.topics.through
    # a few services are far more popular than the rest, as on real portals
    weights = [1.0 / (1 + i) ** 0.5 for i in range(len(SERVICES))]
    started = time.monotonic()
    written = 0
    while written < n:
        size = min(batch, n - written)
        items, links = [], []
        for k in range(size):
            s = rng.choices(range(len(SERVICES)), weights)[0]
            name, aliases, audience, topic = SERVICES[s]
            r = rng.randrange(len(REGIONS))
            region_code, region_name = REGIONS[r]
            d = rng.randrange(len(DEPARTMENTS))
            dept = departments[d * len(REGIONS) + r]
            depth = rng.choice([2, 3, 3, 4, 4, 4])
            items.append(
                ImplementationItem(
                    code=dept.credit_code + _serial(written + k), version=1, status=ItemStatus.PUBLISHED,
                    base_item=bases[s], department=dept, region_code=region_code,
                    name=f"{region_name}{name}{rng.choice(VARIANTS)}", kind="public_service",
                    exercise_level="municipal", audience=audience, aliases=aliases if rng.random() < 0.7 else [],
                    summary=f"{name}的办事指南", conditions="符合条件的申请人", legal_limit_days=20,
                    promised_limit_days=rng.choice([1, 3, 5, 10]), handling_type="promised",
                    visits_required=0 if depth == 4 and rng.random() < 0.7 else rng.choice([1, 1, 2]),
                    online_depth=depth, consult_phone="0571-12345", complaint_phone="0571-12345",
                    result_type="other", popularity=int(rng.paretovariate(1.2) * 50) % 100_000,
                )
            )
            links.append(topics[topic])
        with transaction.atomic():
            created = ImplementationItem.objects.bulk_create(items, batch_size=1000)
            through.objects.bulk_create(
                [through(implementationitem_id=item.pk, topic_id=t.pk) for item, t in zip(created, links, strict=True)],
                batch_size=2000,
            )
        written += size
        if out is not None and written % 20000 < batch:
            out.write(f"  {written:,} items generated ({time.monotonic() - started:.0f} s)\n")
            out.flush()
    return written


def query_mix(rng: random.Random, k: int) -> list[tuple[str, dict[str, Any]]]:
    """k (kind, search kwargs) drawn from a realistic mix of portal searches."""
    kinds: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("社保", lambda: {"q": "社保"}),
        ("公积金", lambda: {"q": "公积金"}),
        ("shebao", lambda: {"q": "shebao"}),
        ("sbk", lambda: {"q": "sbk"}),
        ("gjj", lambda: {"q": "gjj"}),
        ("shehuibaozhang", lambda: {"q": "shehuibaozhang"}),
        ("身份证", lambda: {"q": "身份证"}),
        ("营业执照", lambda: {"q": "营业执照"}),
        ("不动产登记", lambda: {"q": "不动产登记"}),
        ("登记 (large)", lambda: {"q": "登记"}),
        ("证 (1 char)", lambda: {"q": "证"}),
        ("身份证 补领", lambda: {"q": "身份证 补领"}),
        ("no match", lambda: {"q": "量子计算许可"}),
        ("filter audience", lambda: {"q": rng.choice(["登记", "许可", "公积金"]), "audience": "enterprise"}),
        ("filter online+0visit", lambda: {"q": rng.choice(["社保", "身份证", "gjj"]), "fully_online": True,
                                          "zero_visit": True}),
        ("filter region", lambda: {"q": rng.choice(["社保", "婚姻", "dengji"]), "region": rng.choice(REGIONS)[0]}),
        ("filter topic", lambda: {"q": "登记", "topic": "bench-housing"}),
        ("empty q + audience", lambda: {"q": "", "audience": "person"}),
        ("page 5", lambda: {"q": "许可", "page": 5}),
    ]
    return [(kind, make()) for kind, make in (rng.choice(kinds) for _ in range(k))]


def time_queries(mix: list[tuple[str, dict[str, Any]]], *, cached: bool) -> dict[str, list[float]]:
    from django.core.cache.backends.dummy import DummyCache

    from zwfw.catalog.search import querying as search_module  # the module whose cache search() reads

    real_cache = search_module.cache
    if not cached:
        search_module.cache = DummyCache("bench", {})
    timings: dict[str, list[float]] = defaultdict(list)
    try:
        for kind, kwargs in mix:
            started = time.perf_counter()
            page = search_module.search(**kwargs)
            list(page.items)
            timings[kind].append((time.perf_counter() - started) * 1000)
    finally:
        search_module.cache = real_cache
    return timings


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def report(title: str, timings: dict[str, list[float]], out: Any = sys.stdout) -> None:
    every = [v for vs in timings.values() for v in vs]
    out.write(f"\n{title}: {len(every)} queries, p50 {statistics.median(every):.2f} ms, "
              f"p99 {_pct(every, 0.99):.2f} ms\n")
    out.write(f"  {'kind':<24} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}\n")
    for kind, values in sorted(timings.items(), key=lambda kv: -_pct(kv[1], 0.99)):
        out.write(f"  {kind:<24} {len(values):>5} {statistics.median(values):>8.2f} {_pct(values, 0.99):>8.2f} "
                  f"{max(values):>8.2f}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="do not generate items, use those in the database")
    parser.add_argument("--no-rebuild", action="store_true", help="with --reuse: keep the search index as it is")
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from zwfw.catalog.models import ImplementationItem, SearchTerm
    from zwfw.catalog.search import rebuild_index

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not args.reuse:
        started = time.monotonic()
        generate_items(args.items, seed=args.seed)
        print(f"generated {args.items:,} items in {time.monotonic() - started:.1f} s")
    if not (args.reuse and args.no_rebuild):
        started = time.monotonic()
        indexed = rebuild_index()
        print(f"index rebuilt: {indexed:,} published items, {SearchTerm.objects.count():,} postings, "
              f"{time.monotonic() - started:.1f} s")
    print(f"published items in database: {ImplementationItem.objects.filter(status='published').count():,}")
    mix = query_mix(random.Random(args.seed), args.queries)
    time_queries(mix[:50], cached=False)  # warm the page cache and pypinyin's tables
    report("uncached (every query runs on the database)", time_queries(mix, cached=False))
    report("cached (the normal path: a repeated query costs the token read and one cache read; the first "
           "occurrence of each distinct query is a miss)", time_queries(mix, cached=True))


if __name__ == "__main__":
    main()
