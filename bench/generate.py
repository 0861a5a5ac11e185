"""Generate a large catalogue for benchmarks from the demo seed.

Every generated item is a realistic variant of a seeded item (same guide elements, materials,
handling items and topics) for another city or county of the province, so guide pages and search
results cost what real ones cost. Rows are written with bulk_create, then the search index is rebuilt.

    python bench/generate.py 100000      # into the database configured by the environment
"""

from __future__ import annotations

import os
import random
import sys
import time

# Prefecture-level cities and a few counties of 浙江 (GB/T 2260), used to vary generated items.
REGIONS = [
    ("330100", "杭州市"), ("330200", "宁波市"), ("330300", "温州市"), ("330400", "嘉兴市"),
    ("330500", "湖州市"), ("330600", "绍兴市"), ("330700", "金华市"), ("330800", "衢州市"),
    ("330900", "舟山市"), ("331000", "台州市"), ("331100", "丽水市"), ("330102", "杭州市上城区"),
    ("330105", "杭州市拱墅区"), ("330106", "杭州市西湖区"), ("330108", "杭州市滨江区"),
    ("330109", "杭州市萧山区"), ("330110", "杭州市余杭区"), ("330203", "宁波市海曙区"),
    ("330212", "宁波市鄞州区"), ("330302", "温州市鹿城区"), ("330381", "瑞安市"), ("330382", "乐清市"),
    ("330402", "嘉兴市南湖区"), ("330481", "海宁市"), ("330602", "绍兴市越城区"), ("330681", "诸暨市"),
    ("330702", "金华市婺城区"), ("330782", "义乌市"), ("330783", "东阳市"), ("331002", "台州市椒江区"),
]
VARIANT_SUFFIXES = ["", "（个人）", "（单位）", "（线上）", "（窗口）", "（延续）", "（变更）", "（补办）"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()


def _serial(i: int) -> str:
    """13 characters that make a generated 实施编码 unique: 'G' + base-31 counter."""
    digits = []
    for _ in range(12):
        i, r = divmod(i, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "G" + "".join(reversed(digits))


def generate(n: int, *, seed: int = 1, batch: int = 2000, out=sys.stdout) -> int:
    """Add n published items; returns how many were written."""
    from django.db import transaction

    from zwfw.catalog.guides import snapshot_of
    from zwfw.catalog.models import GuideSnapshot, HandlingItem, ImplementationItem, ItemStatus, Material

    rng = random.Random(seed)
    templates = list(
        ImplementationItem.objects.filter(status=ItemStatus.PUBLISHED)
        .exclude(code__regex=r"^.{18}G")
        .select_related("base_item")
        .prefetch_related("materials", "handling_items", "topics")
    )
    if not templates:
        raise SystemExit("no published items to copy: seed the catalogue first (zwfw seed)")
    through = ImplementationItem.topics.through
    item_fields = [
        f.name for f in ImplementationItem._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")
    ]
    started = time.monotonic()
    written = 0
    while written < n:
        size = min(batch, n - written)
        chosen = [rng.choice(templates) for _ in range(size)]
        new_items = []
        for offset, tpl in enumerate(chosen):
            region_code, region_name = rng.choice(REGIONS)
            values = {name: getattr(tpl, name) for name in item_fields}
            values["code"] = tpl.department.credit_code + _serial(written + offset)
            values["region_code"] = region_code
            values["name"] = f"{region_name}{tpl.name}{rng.choice(VARIANT_SUFFIXES)}"
            values["popularity"] = rng.randint(0, 5000)
            values["version"] = 1
            values["status"] = ItemStatus.PUBLISHED
            new_items.append(ImplementationItem(**values))
        with transaction.atomic():
            created = ImplementationItem.objects.bulk_create(new_items)
            materials, handling, links, snapshots = [], [], [], []
            for tpl, item in zip(chosen, created, strict=True):
                item_materials = []
                for m in tpl.materials.all():
                    copy = Material(**{f.attname: getattr(m, f.attname) for f in Material._meta.concrete_fields})
                    copy.pk = None
                    copy.item_id = item.pk
                    item_materials.append(copy)
                item_handling = [
                    HandlingItem(item_id=item.pk, code=item.code + h.code[-2:], name=h.name,
                                 variant=h.variant, sort_order=h.sort_order)
                    for h in tpl.handling_items.all()
                ]
                topics = sorted(tpl.topics.all(), key=lambda t: (t.audience, t.sort_order, t.pk))
                links.extend(through(implementationitem_id=item.pk, topic_id=t.pk) for t in topics)
                materials.extend(item_materials)
                handling.extend(item_handling)
                # the guide read model, as `publish` writes it (zwfw.catalog.guides)
                data = snapshot_of(item, base_code=tpl.base_item.code, materials=item_materials,
                                   handling_items=item_handling, topic_codes=[t.code for t in topics])
                snapshots.append(GuideSnapshot(item_id=item.pk, data=data))
            Material.objects.bulk_create(materials)
            HandlingItem.objects.bulk_create(handling)
            through.objects.bulk_create(links)
            GuideSnapshot.objects.bulk_create(snapshots)
        written += size
        if out is not None and written % 20000 < batch:
            out.write(f"  {written:,} items generated ({time.monotonic() - started:.0f} s)\n")
            out.flush()
    return written


def rebuild_search_index(out=sys.stdout) -> float:
    from zwfw.catalog.search import rebuild_index

    started = time.monotonic()
    rebuild_index()
    elapsed = time.monotonic() - started
    if out is not None:
        out.write(f"  search index rebuilt in {elapsed:.0f} s\n")
    return elapsed




def sample_paths(k: int = 2000, *, seed: int = 7) -> dict[str, list[str]]:
    """Request paths for the load test: guide pages of random items and a varied mix of searches."""
    from urllib.parse import urlencode

    from zwfw.catalog.models import ImplementationItem, ItemStatus
    from zwfw.catalog.search import pinyin_of

    rng = random.Random(seed)
    everything = list(ImplementationItem.objects.filter(status=ItemStatus.PUBLISHED).values_list("code", "name"))
    picks = [rng.choice(everything) for _ in range(k)]
    guide = [f"/items/{code}/" for code, _ in picks]
    queries: set[str] = set()
    for _, name in picks:
        core = name
        for _, region_name in REGIONS:
            if core.startswith(region_name):
                core = core[len(region_name) :]
                break
        core = core.split("（")[0]
        if len(core) < 2:
            continue
        length = rng.randint(2, min(4, len(core)))
        start = rng.randrange(len(core) - length + 1)
        term = core[start : start + length]
        roll = rng.random()
        if roll < 0.2:
            term = pinyin_of(term)[0]
        elif roll < 0.3:
            term = pinyin_of(term)[1]
        params = {"q": term}
        if rng.random() < 0.15:
            params.update(rng.choice([{"audience": "person"}, {"audience": "enterprise"}, {"fully_online": "true"},
                                      {"zero_visit": "true"}]))
        queries.add("/api/v1/catalog/items?" + urlencode(params))
    return {"guide": guide, "search": sorted(queries)}


if __name__ == "__main__":
    _setup()
    if sys.argv[1:2] == ["--sample"]:
        import json

        json.dump(sample_paths(int(sys.argv[2]) if len(sys.argv) > 2 else 2000), sys.stdout, ensure_ascii=False)
    else:
        generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
        rebuild_search_index()
