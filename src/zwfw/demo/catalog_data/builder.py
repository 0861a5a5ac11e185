"""Turns the compact item descriptions into rows of the ``zwfw-catalog/1`` interchange format."""

from __future__ import annotations

from typing import Any

from zwfw.demo.catalog_data.common import HOURS_ONLINE

_STEPS_ZERO_VISIT = [
    (
        "网上申请",
        "通过浙里办 APP 或浙江政务服务网实名登录，在线填写申请信息；电子证照和共享数据由系统自动调取，免于提交",
    ),
    ("在线受理", "工作人员在线核验申请材料，材料不全的一次性告知需要补正的全部内容"),
    ("审核办理", "承办部门在线审核，需要核实的通过数据共享核查，不要求申请人到现场"),
    ("结果送达", "办理结果推送至浙里办个人（法人）空间，纸质结果可选择免费邮寄"),
]
_STEPS_LICENSING = [
    ("申请", "申请人通过浙江政务服务网、浙里办 APP 或窗口提交申请材料"),
    ("受理", "材料齐全、符合法定形式的予以受理；材料不全的当场或者5个工作日内一次性告知需要补正的全部内容"),
    ("审查", "对申请材料进行审查，需要现场核查的组织核查，核查时间不计入办理时限"),
    ("决定", "作出准予许可或者不予许可的书面决定，不予许可的说明理由并告知申请复议或者提起诉讼的权利"),
    ("制证送达", "准予许可的，自作出决定之日起10个工作日内颁发、送达许可证件"),
]
_STEPS_IMMEDIATE = [
    ("申请", "申请人到窗口或在线提交申请"),
    ("受理审核", "窗口工作人员当场核验身份和材料"),
    ("办结", "符合条件的当场办结并出具结果"),
]
_STEPS_PROMISED = [
    ("申请", "申请人在线或到窗口提交申请材料"),
    ("受理", "材料齐全的予以受理并出具受理凭证；不齐全的一次性告知需补正的材料"),
    ("审核", "承办机构审核申请材料，必要时进行核实"),
    ("办结", "在承诺时限内办结，并告知申请人办理结果"),
]


def steps(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": n, "description": d} for n, d in pairs]


def _default_process(kind: str, visits: int, promised: int) -> list[dict[str, str]]:
    if visits == 0:
        return steps(*_STEPS_ZERO_VISIT)
    if kind == "licensing":
        return steps(*_STEPS_LICENSING)
    if promised == 0:
        return steps(*_STEPS_IMMEDIATE)
    return steps(*_STEPS_PROMISED)


class CatalogBuilder:
    """Collects departments, topics, base items and items; checks nothing but keeps base items consistent."""

    def __init__(self, departments: list[dict[str, Any]], topics: list[dict[str, Any]]) -> None:
        self.departments = departments
        self.topics = topics
        self._dept = {d["credit_code"]: d for d in departments}
        self.base_items: dict[str, dict[str, Any]] = {}
        self.items: list[dict[str, Any]] = []

    # base items ------------------------------------------------------------------------------
    def parent_base(
        self, code: str, name: str, *, kind: str, level: str, bases: list[dict], limit: int
    ) -> None:
        """A 主项 of the base catalogue whose 子项 are implemented below."""
        self.base_items[code] = {
            "code": code,
            "name": name,
            "kind": kind,
            "exercise_level": level,
            "parent_code": None,
            "legal_bases": bases,
            "legal_limit_days": limit,
        }

    def _base(self, code: str, name: str, kind: str, level: str, parent: str | None, bases: list, limit: int):
        row = self.base_items.get(code)
        if row is None:
            self.base_items[code] = {
                "code": code,
                "name": name,
                "kind": kind,
                "exercise_level": level,
                "parent_code": parent,
                "legal_bases": bases,
                "legal_limit_days": limit,
            }
            return
        if row["kind"] != kind:
            raise ValueError(f"base item {code}: kind {kind} differs from {row['kind']}")
        row["legal_limit_days"] = max(row["legal_limit_days"], limit)

    # items -----------------------------------------------------------------------------------
    def item(
        self,
        dept: str,
        base: str,
        name: str,
        *,
        kind: str,
        topics: list[str],
        summary: str,
        cond: str,
        bases: list[dict],
        limit: tuple[int, int],
        mats: list[dict],
        result: tuple[str, str],
        audience: str = "person",
        level: str | None = None,
        base_name: str | None = None,
        base_level: str = "county",
        parent: str | None = None,
        aliases: tuple[str, ...] = (),
        fees: tuple[dict, ...] = (),
        visits: int = 1,
        depth: int = 3,
        scope: str = "province",
        delivery: tuple[str, ...] | None = None,
        channels: tuple[str, ...] | None = None,
        places: list[dict] | None = None,
        pop: int = 500,
        handling: tuple[tuple[str, str], ...] | None = None,
        process: list[dict] | None = None,
        legal_note: str = "",
        promised_note: str = "",
        result_lic: str = "",
        suffix: str = "1",
    ) -> None:
        department = self._dept[dept]
        code = f"{dept}{base}{suffix}"
        legal, promised = limit
        self._base(base, base_name or name, kind, base_level, parent, bases, legal)
        if level is None:
            level = "provincial" if department["level"] == "provincial" else "municipal"
        if channels is None:  # 线上线下融合: the window stays open for 全程网办 items too
            channels = ("web", "app", "window") if depth >= 3 else ("window", "web")
        if handling is None:  # a single 业务办理项 carries the item's own name
            handling = ((name, "new"),)
        if delivery is None:
            delivery = ("electronic", "express") if visits == 0 else ("window", "express")
        if places is None:
            places = list(department["_places"])
        if visits == 0 and not any(p["hours"] == HOURS_ONLINE for p in places):
            places = [
                {
                    "name": "浙江政务服务网 / 浙里办 APP",
                    "address": "https://www.zjzwfw.gov.cn/",
                    "hours": HOURS_ONLINE,
                },
                *places,
            ]
        handling_rows = [
            {"code": f"{code}{i:02d}", "name": hname, "variant": variant}
            for i, (hname, variant) in enumerate(handling, start=1)
        ]
        materials = []
        for m in mats:
            row = dict(m)
            row["handling_codes"] = [f"{code}{h}" for h in m["handling_codes"]]
            materials.append(row)
        self.items.append(
            {
                "code": code,
                "base_code": base,
                "department_credit_code": dept,
                "region_code": department["region_code"],
                "name": name,
                "kind": kind,
                "exercise_level": level,
                "audience": audience,
                "topics": list(topics),
                "aliases": list(aliases),
                "summary": summary,
                "legal_bases": bases,
                "conditions": cond,
                "process": process or _default_process(kind, visits, promised),
                "legal_limit_days": legal,
                "legal_limit_note": legal_note,
                "promised_limit_days": promised,
                "promised_limit_note": promised_note or ("即办件，材料齐全当场办结" if promised == 0 else ""),
                "handling_type": "immediate" if promised == 0 else "promised",
                "is_free": not fees,
                "fees": list(fees),
                "visits_required": visits,
                "online_depth": depth,
                "channels": list(channels),
                "places": places,
                "cross_region_scope": scope,
                "consult_phone": department["consult_phone"],
                "complaint_phone": department["complaint_phone"],
                "result_name": result[0],
                "result_type": result[1],
                "result_license_type_code": result_lic,
                "delivery_methods": list(delivery),
                "popularity": pop,
                "handling_items": handling_rows,
                "materials": materials,
            }
        )

    def document(self) -> dict[str, Any]:
        departments = [{k: v for k, v in d.items() if not k.startswith("_")} for d in self.departments]
        return {
            "format": "zwfw-catalog/1",
            "departments": departments,
            "topics": self.topics,
            "base_items": sorted(
                self.base_items.values(), key=lambda b: (b["parent_code"] is not None, b["code"])
            ),
            "items": self.items,
        }
