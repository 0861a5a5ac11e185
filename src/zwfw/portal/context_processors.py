"""Template context shared by every portal page."""

from django.conf import settings
from django.http import HttpRequest

ELDER_COOKIE = "zwfw_elder"

# GB/T 2260 province-level codes (first two digits) -> short names, for the site title.
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆",
}  # fmt: skip


def site_name() -> str:
    if settings.NODE_ROLE == "national":
        return "国家政务服务平台"
    province = PROVINCES.get(settings.NODE_CODE[:2]) if settings.NODE_CODE.isdigit() else None
    return f"{province}政务服务网" if province else "政务服务网"


def is_elder_mode(request: HttpRequest) -> bool:
    """长辈版: large text and a simpler layout, chosen by a cookie read here so there is no flash."""
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def node(request: HttpRequest) -> dict:
    return {
        "node_role": settings.NODE_ROLE,
        "node_code": settings.NODE_CODE,
        "site_name": site_name(),
        "elder_mode": is_elder_mode(request),
    }
