"""Implementing bodies of the demo node (浙江省 330000, 杭州市 330100). Credit codes are fictional."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c

_P = c.ZJ_SERVICE_CENTRE
_H = c.HZ_CIVIC_CENTRE


def _dept(code, name, short, level, phone, address, *, hours=c.HOURS, parent=None, places=None, order=0):
    region = code[2:8]
    return {
        "credit_code": code,
        "name": name,
        "short_name": short,
        "region_code": region,
        "level": level,
        "parent_credit_code": parent,
        "consult_phone": phone,
        "complaint_phone": "12345",
        "address": address,
        "office_hours": hours,
        "sort_order": order,
        "_places": places or [_P if level == "provincial" else _H],
    }


DEPARTMENTS = [
    _dept(
        c.GAT,
        "浙江省公安厅",
        "省公安厅",
        "provincial",
        "0571-87280110",
        "杭州市西湖区省府路 公安大楼",
        order=10,
    ),
    _dept(
        c.MZT, "浙江省民政厅", "省民政厅", "provincial", "0571-87050101", "杭州市西湖区省府路8号", order=20
    ),
    _dept(
        c.RST,
        "浙江省人力资源和社会保障厅",
        "省人力社保厅",
        "provincial",
        "0571-12333",
        "杭州市上城区凤起东路 人力社保大楼",
        order=30,
        places=[c.place("浙江省社会保险事业管理中心服务大厅", "杭州市拱墅区环城北路 省社保中心一楼")],
    ),
    _dept(
        c.SCJ,
        "浙江省市场监督管理局",
        "省市场监管局",
        "provincial",
        "0571-12315",
        "杭州市西湖区莫干山路 市场监管大楼",
        order=40,
    ),
    _dept(
        c.YBJ,
        "浙江省医疗保障局",
        "省医保局",
        "provincial",
        "0571-88390012",
        "杭州市拱墅区环城北路 医保服务大楼",
        order=50,
        places=[c.place("浙江省医疗保障服务中心服务大厅", "杭州市拱墅区环城北路 医保服务大楼一楼")],
    ),
    _dept(
        c.WJW,
        "浙江省卫生健康委员会",
        "省卫生健康委",
        "provincial",
        "0571-87709012",
        "杭州市上城区庆春路 卫生大楼",
        order=60,
    ),
    _dept(
        c.JST,
        "浙江省住房和城乡建设厅",
        "省建设厅",
        "provincial",
        "0571-87057012",
        "杭州市上城区省府路8号 省级机关大院",
        order=70,
    ),
    _dept(
        c.ZRT,
        "浙江省自然资源厅",
        "省自然资源厅",
        "provincial",
        "0571-87057300",
        "杭州市西湖区曙光路 自然资源大楼",
        order=80,
    ),
    _dept(
        c.JTT,
        "浙江省交通运输厅",
        "省交通运输厅",
        "provincial",
        "0571-87802012",
        "杭州市西湖区梅花碑 交通大楼",
        order=90,
    ),
    _dept(
        c.JYT,
        "浙江省教育厅",
        "省教育厅",
        "provincial",
        "0571-88008800",
        "杭州市西湖区文晖路 教育大楼",
        order=100,
    ),
    _dept(
        c.SWS,
        "国家税务总局浙江省税务局",
        "省税务局",
        "provincial",
        "12366",
        "杭州市上城区 税务大楼",
        order=110,
        places=[
            c.place(
                "国家税务总局杭州市上城区税务局办税服务厅", "杭州市上城区 市民中心税务服务区", c.HOURS_SAT
            )
        ],
    ),
    _dept(
        c.SFT, "浙江省司法厅", "省司法厅", "provincial", "0571-12348", "杭州市西湖区 省司法厅大楼", order=120
    ),
    _dept(
        c.TYT,
        "浙江省退役军人事务厅",
        "省退役军人事务厅",
        "provincial",
        "0571-87050888",
        "杭州市西湖区省府路8号",
        order=130,
    ),
    _dept(
        c.CL,
        "浙江省残疾人联合会",
        "省残联",
        "provincial",
        "0571-88808111",
        "杭州市西湖区 省残疾人综合服务中心",
        order=140,
    ),
    _dept(
        c.STHJ,
        "浙江省生态环境厅",
        "省生态环境厅",
        "provincial",
        "0571-12369",
        "杭州市西湖区 环保大楼",
        order=150,
    ),
    _dept(
        c.YJJ,
        "浙江省药品监督管理局",
        "省药监局",
        "provincial",
        "0571-12315",
        "杭州市西湖区莫干山路 药监大楼",
        order=160,
    ),
    _dept(
        c.HZGA,
        "杭州市公安局",
        "市公安局",
        "municipal",
        "0571-87280110",
        "杭州市上城区 市公安局",
        order=200,
        places=[
            c.place("杭州市公安局户政服务窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)
        ],
    ),
    _dept(
        c.HZCRJ,
        "杭州市公安局出入境管理局",
        "市出入境管理局",
        "municipal",
        "0571-87280600",
        "杭州市上城区 出入境服务大厅",
        parent=c.HZGA,
        hours=c.HOURS_WEEKEND,
        order=210,
        places=[c.place("杭州市出入境接待大厅", "杭州市上城区 市出入境服务大厅一楼", c.HOURS_WEEKEND)],
    ),
    _dept(
        c.HZJJ,
        "杭州市公安局交通警察支队",
        "市交警支队",
        "municipal",
        "0571-87280122",
        "杭州市拱墅区 车辆管理所",
        parent=c.HZGA,
        order=220,
        places=[
            c.place("杭州市公安局交通警察支队车辆管理所业务大厅", "杭州市拱墅区 车管所业务大厅", c.HOURS_SAT)
        ],
    ),
    _dept(
        c.HZMZ,
        "杭州市民政局",
        "市民政局",
        "municipal",
        "0571-87026000",
        "杭州市上城区 市民政局",
        order=230,
        places=[
            c.place(
                "杭州市婚姻登记服务中心（上城区婚姻登记处）", "杭州市上城区 婚姻登记服务中心", c.HOURS_SAT
            )
        ],
    ),
    _dept(
        c.HZRS,
        "杭州市人力资源和社会保障局",
        "市人力社保局",
        "municipal",
        "0571-12333",
        "杭州市上城区解放东路18号",
        order=240,
        places=[
            c.place("杭州市社会保险服务窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)
        ],
    ),
    _dept(
        c.HZSJ,
        "杭州市市场监督管理局",
        "市市场监管局",
        "municipal",
        "0571-12315",
        "杭州市上城区解放东路18号",
        order=250,
        places=[
            c.place(
                "杭州市市场监管局企业开办专区（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT
            )
        ],
    ),
    _dept(
        c.HZYB,
        "杭州市医疗保障局",
        "市医保局",
        "municipal",
        "0571-12393",
        "杭州市上城区 市医保局",
        order=260,
        places=[
            c.place("杭州市医疗保障服务窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)
        ],
    ),
    _dept(
        c.HZGJJ,
        "杭州住房公积金管理中心",
        "杭州公积金中心",
        "municipal",
        "0571-12329",
        "杭州市上城区 住房公积金大厦",
        order=270,
        places=[
            c.place(
                "杭州住房公积金管理中心服务大厅（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT
            )
        ],
    ),
    _dept(
        c.HZGZ,
        "杭州市规划和自然资源局",
        "市规划和自然资源局",
        "municipal",
        "0571-85255000",
        "杭州市拱墅区 规划资源大楼",
        order=280,
        places=[c.place("杭州市不动产登记服务中心", "杭州市拱墅区 不动产登记服务中心大厅", c.HOURS_SAT)],
    ),
    _dept(
        c.HZWJ,
        "杭州市卫生健康委员会",
        "市卫生健康委",
        "municipal",
        "0571-87000120",
        "杭州市上城区 市卫健委",
        order=290,
    ),
    _dept(
        c.HZJT,
        "杭州市交通运输局",
        "市交通运输局",
        "municipal",
        "0571-96520",
        "杭州市上城区 交通大楼",
        order=300,
    ),
    _dept(
        c.HZFG,
        "杭州市住房保障和房产管理局",
        "市住保房管局",
        "municipal",
        "0571-87150000",
        "杭州市上城区 房管大楼",
        order=310,
    ),
    _dept(
        c.HZJY, "杭州市教育局", "市教育局", "municipal", "0571-86000000", "杭州市上城区 市教育局", order=320
    ),
    _dept(
        c.HZSF,
        "杭州市司法局",
        "市司法局",
        "municipal",
        "0571-12348",
        "杭州市上城区 市司法局",
        order=330,
        places=[c.place("杭州市法律援助中心接待窗口", "杭州市上城区 市公共法律服务中心一楼")],
    ),
    _dept(
        c.HZCL,
        "杭州市残疾人联合会",
        "市残联",
        "municipal",
        "0571-85100000",
        "杭州市上城区 市残疾人综合服务中心",
        order=340,
    ),
    _dept(
        c.HZSW,
        "国家税务总局杭州市税务局",
        "市税务局",
        "municipal",
        "12366",
        "杭州市上城区 市税务局",
        order=350,
        places=[
            c.place("杭州市税务局办税服务厅（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)
        ],
    ),
    _dept(
        c.HZTY,
        "杭州市退役军人事务局",
        "市退役军人事务局",
        "municipal",
        "0571-85000000",
        "杭州市上城区 市退役军人服务中心",
        order=360,
    ),
    _dept(
        c.HZJW,
        "杭州市城乡建设委员会",
        "市建委",
        "municipal",
        "0571-87012000",
        "杭州市上城区解放东路18号",
        order=370,
        places=[
            c.place(
                "杭州市工程建设项目审批综合窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT
            )
        ],
    ),
    _dept(
        c.HZST,
        "杭州市生态环境局",
        "市生态环境局",
        "municipal",
        "0571-12369",
        "杭州市上城区 市生态环境局",
        order=380,
    ),
]
