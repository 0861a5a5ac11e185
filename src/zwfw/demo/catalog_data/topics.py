"""Topics (life events of a person and of a business)."""

from __future__ import annotations

_PERSON = [
    ("birth", "生育收养", "生育登记、出生医学证明、新生儿落户与参保"),
    ("household", "户籍办理", "户口迁移、出生和死亡登记、居民身份证"),
    ("marriage", "婚姻登记", "结婚登记、离婚登记、补领婚姻登记证"),
    ("social-security", "社会保障", "社会保险参保、社会保障卡、待遇领取"),
    ("medical", "医疗卫生", "医疗保险、异地就医、医师护士执业"),
    ("housing", "住房保障", "公共租赁住房、租房补贴、房屋交易"),
    ("real-estate", "不动产登记", "房屋买卖、抵押、继承的不动产登记"),
    ("housing-fund", "公积金", "住房公积金缴存、提取和贷款"),
    ("employment", "就业创业", "就业失业登记、职业技能、创业扶持"),
    ("education", "教育科研", "入学、学籍学历、教师资格"),
    ("traffic", "交通出行", "机动车驾驶证、机动车登记、交通违法处理"),
    ("exit-entry", "出境入境", "护照、往来港澳台通行证及签注"),
    ("retirement", "退休养老", "退休、养老金领取、养老服务补贴"),
    ("disability", "残疾人服务", "残疾人证、残疾人补贴和康复"),
    ("funeral", "死亡殡葬", "死亡登记、丧葬补助、遗属待遇"),
    ("veterans", "退役军人", "优待证、安置、优抚待遇"),
    ("legal-aid", "法律服务", "法律援助、人民调解、律师和司法鉴定"),
    ("tax-person", "个人纳税", "个人所得税汇算、房产交易税费、城乡居民社保缴费"),
]
_ENTERPRISE = [
    ("business-start", "企业开办", "设立登记、刻章、发票、社保和公积金开户"),
    ("permits", "准营准办", "行业经营许可"),
    ("construction", "建设工程", "施工许可、竣工验收、资质"),
    ("tax", "纳税缴费", "税务登记、发票、申报和缴费"),
    ("hr", "人力资源", "员工参保、用工备案、公积金缴存"),
    ("business-change", "企业变更", "名称、住所、法定代表人等变更登记"),
    ("business-close", "企业注销", "注销登记、简易注销、清税"),
    ("food-drug", "食品药品", "食品经营、药品经营、医疗器械"),
    ("transport", "交通运输", "道路运输经营、营运车辆、从业资格"),
    ("environment", "环境保护", "环境影响评价、排污许可、危险废物"),
    ("health-care", "医疗机构", "医疗机构设置和执业、医保定点"),
    ("social-org", "社会组织", "社会团体、民办非企业单位登记"),
]

TOPICS = [
    {"code": code, "name": name, "audience": "person", "description": desc, "sort_order": i}
    for i, (code, name, desc) in enumerate(_PERSON, start=1)
] + [
    {"code": code, "name": name, "audience": "enterprise", "description": desc, "sort_order": i}
    for i, (code, name, desc) in enumerate(_ENTERPRISE, start=1)
]
