"""Masking of personal data for display to others and for logs."""

from __future__ import annotations

import logging

import pytest

from zwfw.core.masking import (
    PiiMaskingFilter,
    mask_address,
    mask_mobile,
    mask_name,
    mask_resident_id,
    mask_text,
)


def test_mask_resident_id_keeps_first_3_and_last_4():
    assert mask_resident_id("11010519491231002X") == "110***********002X"
    assert mask_resident_id(" 330106198001010017 ") == "330***********0017"


def test_mask_mobile_keeps_first_3_and_last_4():
    assert mask_mobile("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李小龙", "李**"), ("王", "*")]
)
def test_mask_name_keeps_the_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区****"),
        ("北京市海淀区中关村大街1号", "北京市海淀区****"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区****"),
        ("广东省东莞市南城街道宏远路1号", "广东省东莞市****"),
        ("浙江省淳安县千岛湖镇1号", "浙江省淳安县****"),
        ("文三路90号华星小区3幢2单元", "文三路90号****"),  # no 区/县/市 near the start: first 6 kept
        ("某村5号", "某村****"),  # short: at most half is kept
        ("北京市海淀区", "北京市海淀区"),  # nothing beyond the administrative part
        ("内蒙古自治区呼和浩特市新城区中山西路1号", "内蒙古自治区呼和浩特市新城区****"),
        ("湖北省恩施土家族苗族自治州恩施市舞阳大街1号", "湖北省恩施土家族苗族自治州恩施市****"),
        ("杭州市余杭区文一西路969号", "杭州市余杭区****"),
    ],
)
def test_mask_address_keeps_the_administrative_part(address, masked):
    assert mask_address(address) == masked


@pytest.mark.parametrize("func", [mask_resident_id, mask_mobile, mask_name, mask_address])
def test_empty_and_short_input_does_not_crash(func):
    assert func("") == ""
    assert func(None) == ""  # type: ignore[arg-type]
    assert func("   ") == ""


def test_short_input_reveals_little():
    assert mask_name("张") == "*"
    assert mask_address("123") == "1****"


def test_short_numbers_are_masked_completely():
    assert mask_resident_id("1234567") == "*******"
    assert mask_mobile("12345") == "*****"


def test_mask_text_finds_id_numbers_and_mobiles_but_not_longer_numbers():
    text = "申请人 11010519491231002x 手机13812345678，订单号 2026112712345678901234，电话 0571-88888888"
    assert mask_text(text) == (
        "申请人 110***********002x 手机138****5678，订单号 2026112712345678901234，电话 0571-88888888"
    )


def test_logging_filter_masks_message_and_arguments():
    # given a log record whose arguments carry an ID number and a mobile number
    record = logging.LogRecord(
        "zwfw.cases",
        logging.INFO,
        __file__,
        1,
        "submitted by %s (%s)",
        ("11010519491231002X", "13812345678"),
        None,
    )
    # when
    kept = PiiMaskingFilter().filter(record)
    # then
    assert kept is True
    assert record.getMessage() == "submitted by 110***********002X (138****5678)"
    assert record.args is None


def test_logging_filter_in_a_real_logger(caplog):
    logger = logging.getLogger("zwfw.test.masking")
    pii = PiiMaskingFilter()
    logger.addFilter(pii)
    try:
        with caplog.at_level(logging.INFO, logger="zwfw.test.masking"):
            logger.info("mobile %s", "13900001111")
            logger.info("nothing personal: %d items", 3)
    finally:
        logger.removeFilter(pii)
    assert caplog.messages == ["mobile 139****1111", "nothing personal: 3 items"]
