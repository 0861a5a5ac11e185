"""GB/T 2260 regions as data: the shipped CSV, the data migration and `zwfw manage load_regions`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from zwfw.core.models import Region
from zwfw.core.regions import (
    DEFAULT_REGIONS_CSV,
    RegionFileInvalid,
    load_regions,
    parse_regions_csv,
    region_name,
)

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code,valid\n"


def snapshot() -> list[tuple]:
    return list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_code", "valid"))


def test_migration_loads_every_province_and_the_prefectures_of_four_provinces():
    provinces = Region.objects.filter(level="province")
    assert provinces.count() == 34
    assert Region.objects.get(code="330000").name == "浙江省"
    assert list(Region.objects.filter(parent_code="330000").values_list("name", flat=True)) == [
        "杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市",
    ]  # fmt: skip
    assert Region.objects.filter(parent_code="440000").count() == 21
    assert Region.objects.get(code="110108").name == "海淀区"
    assert Region.objects.get(code="310115").name == "浦东新区"
    # abolished codes are kept and marked, not deleted
    assert Region.objects.get(code="330103").valid is False
    assert len(snapshot()) == len(parse_regions_csv(DEFAULT_REGIONS_CSV.read_text(encoding="utf-8")))


def test_region_name_reads_the_table_then_the_province_list():
    assert region_name("330106") == "西湖区"
    assert region_name("110000") == "北京市"
    assert region_name("330199") is None


def test_load_regions_command_adds_and_updates_rows(tmp_path):
    # given a yearly update: a renamed district and a new county
    path = tmp_path / "regions.csv"
    path.write_text(
        HEADER + "330106,西湖区(新),county,330100,1\n330112,临安区,county,330100,1\n", encoding="utf-8"
    )
    before = Region.objects.count()
    # when
    call_command("load_regions", str(path))
    # then
    assert Region.objects.count() == before + 1
    assert Region.objects.get(code="330106").name == "西湖区(新)"
    assert Region.objects.get(code="330112").parent_code == "330100"


def test_load_regions_rejects_the_whole_file_when_one_row_is_wrong(tmp_path):
    # given a file whose 2nd data row (line 3) has an unknown province and whose 3rd an unknown parent
    path = tmp_path / "regions.csv"
    path.write_text(
        HEADER
        + "330106,改名区,county,330100,1\n990100,不存在市,prefecture,990000,1\n330188,某区,county,339900,1\n",
        encoding="utf-8",
    )
    before = snapshot()
    # when
    stderr = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("load_regions", str(path), stderr=stderr)
    assert str(info.value) == "行政区划文件有 2 处错误，未导入；第3行：区划代码990100的省级代码99不存在"
    assert stderr.getvalue().splitlines() == [
        "第3行：区划代码990100的省级代码99不存在",
        "第4行：上级代码339900不存在（区划330188）",
    ]
    # then nothing changed, not even the valid first row
    assert snapshot() == before


def test_parse_regions_csv_lists_every_problem():
    text = (
        HEADER
        + "3301,X,county,330100,1\n330100,杭州市,city,330000,maybe\n330100,杭州市,prefecture,330000,1\n"
    )
    with pytest.raises(RegionFileInvalid) as info:
        parse_regions_csv(text, known_codes=["330000"])
    assert info.value.details == [
        {"line": 2, "reason": "区划代码'3301'应为6位数字"},
        {"line": 3, "reason": "层级'city'应为 province、prefecture 或 county"},
        {"line": 3, "reason": "valid 应为 1 或 0，实际为'maybe'"},
        {"line": 4, "reason": "区划代码330100与第3行重复"},
    ]


def test_load_regions_with_a_wrong_header_writes_nothing():
    before = snapshot()
    with pytest.raises(RegionFileInvalid) as info:
        load_regions("code;name\n330106;西湖区\n")
    assert info.value.details == [{"line": 1, "reason": "表头应为 code,name,level,parent_code,valid"}]
    assert snapshot() == before
