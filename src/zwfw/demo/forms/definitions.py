"""What the demo forms ask and what the samples fill in: fictional people and a company whose ID
numbers (GB 11643) and credit code (GB 32100) carry valid check characters, and per form key its
title, its fields with sample values, and a note."""

from __future__ import annotations

# Fictional people and company used in the samples.
APPLICANT = {"name": "张三", "sex": "男", "id": "330106199003071236", "birth": "1990年03月07日"}
SPOUSE = {"name": "李四", "sex": "女", "id": "330106199208152347", "birth": "1992年08月15日"}
CHILD = {"name": "张小宝", "sex": "男", "id": "330108201805120012", "birth": "2018年05月12日"}
COMPANY = {"name": "杭州示例数字科技有限公司", "code": "91330106MA2K000177"}
ADDRESS = "浙江省杭州市西湖区示例路1号示例小区1幢101室"
PHONE = "13900001234"
SAMPLE_DATE = "2026年03月16日"

Field = tuple[str, str]  # (label, sample value)

PERSON: list[Field] = [
    ("姓名", APPLICANT["name"]),
    ("性别", APPLICANT["sex"]),
    ("民族", "汉族"),
    ("出生日期", APPLICANT["birth"]),
    ("公民身份号码", APPLICANT["id"]),
    ("户籍地址", ADDRESS),
    ("现居住地址", ADDRESS),
    ("联系电话", PHONE),
]
COUPLE: list[Field] = [
    ("男方姓名", APPLICANT["name"]),
    ("男方公民身份号码", APPLICANT["id"]),
    ("男方联系电话", PHONE),
    ("女方姓名", SPOUSE["name"]),
    ("女方公民身份号码", SPOUSE["id"]),
    ("女方联系电话", "13900005678"),
]
ENTERPRISE: list[Field] = [
    ("单位名称", COMPANY["name"]),
    ("统一社会信用代码", COMPANY["code"]),
    ("住所", "浙江省杭州市西湖区示例路88号3幢501室"),
    ("法定代表人（负责人）", APPLICANT["name"]),
    ("法定代表人公民身份号码", APPLICANT["id"]),
    ("经办人", SPOUSE["name"]),
    ("经办人联系电话", PHONE),
]
BANK: list[Field] = [("开户银行", "中国工商银行杭州西湖支行"), ("银行账号", "6222 0000 0000 0000 000")]


def _form(title: str, subject: list[Field], specific: list[Field], note: str = "") -> dict:
    return {"title": title, "fields": [*subject, *specific], "note": note}


FORMS: dict[str, dict] = {
    "id-card-application": _form(
        "居民身份证申领登记表",
        PERSON,
        [
            ("申领原因", "有效期满换领"),
            ("原证件有效期限", "2016.03.20-2026.03.20"),
            ("领证方式", "邮政寄递"),
            ("寄递地址", ADDRESS),
        ],
    ),
    "hukou-transfer-application": _form(
        "户口迁移申请表",
        PERSON,
        [
            ("迁移类别", "夫妻投靠"),
            ("迁出地户口登记机关", "安徽省合肥市公安局蜀山分局示例派出所"),
            ("迁入地址", ADDRESS),
            ("被投靠人姓名", SPOUSE["name"]),
            ("与被投靠人关系", "夫妻"),
            ("随迁人员", "无"),
        ],
    ),
    "name-change-application": _form(
        "变更姓名申请书",
        PERSON,
        [
            ("原姓名", "张叁"),
            ("拟变更姓名", APPLICANT["name"]),
            ("变更理由", "原姓名与户口簿登记用字不一致，申请统一为规范汉字"),
        ],
    ),
    "exit-entry-application": _form(
        "中国公民出入境证件申请表",
        PERSON,
        [
            ("申请类别", "普通护照 首次申请"),
            ("出境事由", "旅游"),
            ("前往国家（地区）", "新加坡"),
            ("紧急联系人及电话", f"{SPOUSE['name']} 13900005678"),
            ("领取方式", "邮政速递"),
        ],
    ),
    "hotel-permit-application": _form(
        "旅馆业特种行业许可申请表",
        ENTERPRISE,
        [
            ("旅馆名称", "杭州示例民宿"),
            ("经营地址", "浙江省杭州市西湖区示例路66号"),
            ("客房数（间）", "12"),
            ("床位数（张）", "20"),
            ("治安保卫负责人", SPOUSE["name"]),
        ],
    ),
    "security-company-application": _form(
        "保安服务公司设立申请书",
        ENTERPRISE,
        [
            ("拟设公司名称", "杭州示例保安服务有限公司"),
            ("注册资本（万元）", "300"),
            ("拟提供的保安服务种类", "门卫、巡逻、守护"),
            ("拟任法定代表人", APPLICANT["name"]),
        ],
    ),
    "marriage-declaration": _form(
        "申请结婚登记声明书",
        COUPLE,
        [
            (
                "声明内容",
                "本人与对方均无配偶，没有直系血亲和三代以内旁系血亲关系，自愿结为夫妻，所声明内容真实",
            ),
            ("婚姻登记机关", "杭州市上城区婚姻登记处"),
        ],
    ),
    "divorce-application": _form(
        "离婚登记申请书",
        COUPLE,
        [
            ("结婚登记日期", "2019年10月01日"),
            ("结婚证字号", "J330102-2019-000001（示例）"),
            ("子女情况", "婚生子张小宝，由男方抚养"),
            ("财产及债务处理", "已在离婚协议书中约定"),
        ],
    ),
    "marriage-cert-reissue": _form(
        "申请补领婚姻登记证声明书",
        COUPLE,
        [
            ("补领证件", "结婚证"),
            ("原登记机关", "杭州市西湖区婚姻登记处"),
            ("原登记日期", "2019年10月01日"),
            ("遗失情况说明", "搬家时遗失"),
        ],
    ),
    "adoption-application": _form(
        "收养申请书",
        PERSON,
        [
            ("被收养人姓名", "王小妹（示例）"),
            ("被收养人出生日期", "2021年06月01日"),
            ("送养人或监护人", "杭州市儿童福利院"),
            ("收养目的", "抚养教育"),
            ("收养人婚姻状况", "已婚，配偶同意收养"),
        ],
    ),
    "subsistence-application": _form(
        "最低生活保障申请书",
        PERSON,
        [
            ("共同生活家庭成员人数", "3"),
            ("家庭月总收入（元）", "2100"),
            ("申请理由", "本人因病丧失劳动能力，家庭收入低于当地低保标准"),
            *BANK,
        ],
    ),
    "destitute-application": _form(
        "特困人员救助供养申请书",
        PERSON,
        [
            ("供养方式", "分散供养"),
            ("生活自理能力", "部分自理"),
            ("申请理由", "无劳动能力、无生活来源、无法定赡养人"),
            *BANK,
        ],
    ),
    "elderly-care-subsidy": _form(
        "养老服务补贴申请表",
        PERSON,
        [("老年人能力评估等级", "轻度失能"), ("家庭类别", "低保边缘家庭"), ("服务需求", "助餐、助浴")],
    ),
    "veteran-card-application": _form(
        "退役军人优待证申领表",
        PERSON,
        [
            ("入伍时间", "2008年12月"),
            ("退役时间", "2013年12月"),
            ("退役证件编号", "示例0001"),
            ("领取方式", "村（社区）服务站领取"),
        ],
    ),
    "disability-card-application": _form(
        "残疾人证申请表",
        PERSON,
        [
            ("残疾类别", "肢体残疾"),
            ("致残原因", "交通事故"),
            ("监护人或联系人", SPOUSE["name"]),
            ("申请类型", "新办"),
        ],
    ),
    "legal-aid-application": _form(
        "法律援助申请表",
        PERSON,
        [
            ("申请事项", "追索劳动报酬"),
            ("对方当事人", "杭州示例建筑劳务有限公司"),
            ("案情简述", "2025年在对方处务工，被拖欠工资18000元"),
            ("经济状况", "家庭人均月收入低于本市最低工资标准"),
            ("是否需要代理", "是"),
        ],
    ),
    "lawyer-license-application": _form(
        "律师执业申请书",
        PERSON,
        [
            ("法律职业资格证书编号", "A2023330000000（示例）"),
            ("拟执业律师事务所", "浙江示例律师事务所"),
            ("实习起止时间", "2024年09月至2025年09月"),
            ("执业类别", "专职律师"),
        ],
    ),
    "ssc-application": _form(
        "社会保障卡申领登记表",
        PERSON,
        [
            ("申领类型", "首次申领"),
            ("选择银行", "中国工商银行"),
            ("领卡方式", "邮寄到家"),
            ("邮寄地址", ADDRESS),
        ],
    ),
    "resident-pension-registration": _form(
        "城乡居民基本养老保险参保登记表",
        PERSON,
        [("参保类别", "城乡居民"), ("缴费档次（元/年）", "1000"), ("缴费方式", "银行代扣"), *BANK],
    ),
    "retirement-application": _form(
        "职工退休申请表",
        PERSON,
        [
            ("参保单位", COMPANY["name"]),
            ("参加工作时间", "2010年07月"),
            ("退休类别", "正常退休"),
            ("申请退休时间", "2055年03月"),
            *BANK,
        ],
    ),
    "pension-transfer-application": _form(
        "基本养老保险关系转移接续申请表",
        PERSON,
        [
            ("转出地社保经办机构", "安徽省合肥市社会保险服务中心"),
            ("转入地社保经办机构", "杭州市社会保险服务中心"),
            ("转出地参保起止时间", "2012年07月至2020年06月"),
        ],
    ),
    "survivor-benefit-application": _form(
        "遗属待遇申领表",
        PERSON,
        [
            ("死亡人员姓名", "张老三（示例）"),
            ("死亡人员公民身份号码", "330105194510020020"),
            ("死亡日期", "2026年02月01日"),
            ("申领人与死者关系", "子女"),
            *BANK,
        ],
    ),
    "flexible-employment-registration": _form(
        "灵活就业人员参保登记表",
        PERSON,
        [
            ("参保险种", "职工基本养老保险、职工基本医疗保险"),
            ("缴费基数（元/月）", "4812"),
            ("缴费方式", "银行代扣"),
            *BANK,
        ],
    ),
    "job-card-application": _form(
        "就业创业证申领表",
        PERSON,
        [
            ("文化程度", "大学本科"),
            ("就业状态", "失业"),
            ("失业原因", "劳动合同期满"),
            ("求职意向", "软件开发"),
        ],
    ),
    "startup-subsidy-application": _form(
        "一次性创业补贴申请表",
        PERSON,
        [
            ("创办主体名称", COMPANY["name"]),
            ("统一社会信用代码", COMPANY["code"]),
            ("成立日期", "2024年05月20日"),
            ("带动就业人数", "5"),
            *BANK,
        ],
    ),
    "work-injury-application": _form(
        "工伤认定申请表",
        PERSON,
        [
            ("用人单位", COMPANY["name"]),
            ("事故时间", "2026年01月15日 10时"),
            ("事故地点", "公司生产车间"),
            ("受伤部位", "左手"),
            ("事故经过", "在车间操作设备时左手被夹伤，即送医院治疗"),
            ("申请人与受伤职工关系", "本人"),
        ],
    ),
    "labour-dispatch-application": _form(
        "劳务派遣经营许可申请书",
        ENTERPRISE,
        [
            ("注册资本（万元）", "200"),
            ("经营场所面积（平方米）", "120"),
            ("专职工作人员数", "6"),
            ("申请类型", "新设"),
        ],
    ),
    "medical-transfer-application": _form(
        "基本医疗保险关系转移接续申请表",
        PERSON,
        [
            ("转出地医保经办机构", "安徽省合肥市医疗保障局"),
            ("转入地医保经办机构", "杭州市医疗保障局"),
            ("险种类型", "职工基本医疗保险"),
        ],
    ),
    "medical-reimbursement-application": _form(
        "医疗费用报销申请表",
        PERSON,
        [
            ("就诊医院", "北京示例医院"),
            ("就诊日期", "2026年01月05日至2026年01月12日"),
            ("医疗费用总额（元）", "12680.50"),
            ("未能直接结算原因", "急诊未办理异地就医备案"),
            *BANK,
        ],
    ),
    "birth-cert-registration": _form(
        "出生医学证明首次签发登记表",
        [
            ("新生儿姓名", CHILD["name"]),
            ("性别", CHILD["sex"]),
            ("出生时间", "2018年05月12日08时30分"),
            ("出生地点", "浙江省杭州市（示例妇产科医院）"),
            ("出生体重（克）", "3350"),
        ],
        [
            ("母亲姓名", SPOUSE["name"]),
            ("母亲公民身份号码", SPOUSE["id"]),
            ("父亲姓名", APPLICANT["name"]),
            ("父亲公民身份号码", APPLICANT["id"]),
        ],
    ),
    "medical-institution-registration": _form(
        "医疗机构申请执业登记注册书",
        ENTERPRISE,
        [
            ("医疗机构名称", "杭州示例口腔门诊部"),
            ("类别", "口腔门诊部"),
            ("诊疗科目", "口腔科"),
            ("床位（牙椅）", "牙椅8台"),
            ("主要负责人", APPLICANT["name"]),
        ],
    ),
    "public-place-hygiene-application": _form(
        "公共场所卫生许可申请表",
        ENTERPRISE,
        [
            ("场所名称", "杭州示例美发店"),
            ("经营项目", "美发"),
            ("经营面积（平方米）", "80"),
            ("从业人员数", "6"),
            ("申请类型", "新办"),
        ],
    ),
    "drug-business-application": _form(
        "药品经营许可证申请表",
        ENTERPRISE,
        [
            ("经营方式", "零售（单体药店）"),
            ("经营范围", "中药饮片、中成药、化学药、生物制品"),
            ("执业药师", SPOUSE["name"]),
            ("营业面积（平方米）", "85"),
        ],
    ),
    "housing-fund-withdrawal": _form(
        "住房公积金提取申请表",
        PERSON,
        [
            ("住房公积金账号", "示例0000000001"),
            ("提取原因", "职工死亡，继承人提取"),
            ("提取金额（元）", "56320.18"),
            *BANK,
        ],
    ),
    "housing-fund-loan-application": _form(
        "住房公积金个人住房贷款申请表",
        PERSON,
        [
            ("配偶姓名", SPOUSE["name"]),
            ("配偶公民身份号码", SPOUSE["id"]),
            ("购房地址", ADDRESS),
            ("房屋总价（万元）", "320"),
            ("申请贷款金额（万元）", "100"),
            ("贷款期限（年）", "30"),
            ("还款方式", "等额本息"),
        ],
    ),
    "real-estate-application": _form(
        "不动产登记申请书",
        PERSON,
        [
            ("登记类型", "转移登记"),
            ("不动产坐落", ADDRESS),
            ("不动产单元号", "330106000000GB00001F00010001（示例）"),
            ("义务人", "王五（示例）"),
            ("登记原因", "买卖"),
            ("共有方式", "共同共有"),
        ],
    ),
    "public-rental-application": _form(
        "公共租赁住房申请表",
        PERSON,
        [
            ("申请类别", "新就业大学毕业生"),
            ("家庭人口", "1"),
            ("工作单位", COMPANY["name"]),
            ("现住房情况", "租房居住"),
        ],
    ),
    "construction-permit-application": _form(
        "建筑工程施工许可证申请表",
        ENTERPRISE,
        [
            ("工程名称", "示例科技园1号研发楼"),
            ("建设地址", "浙江省杭州市西湖区示例路100号"),
            ("建筑面积（平方米）", "18600"),
            ("合同价格（万元）", "9800"),
            ("施工单位", "浙江示例建设集团有限公司"),
            ("监理单位", "杭州示例工程监理有限公司"),
            ("计划开工日期", "2026年04月01日"),
        ],
    ),
    "company-registration-application": _form(
        "公司登记（备案）申请书",
        ENTERPRISE,
        [
            ("申请类型", "设立登记"),
            ("公司类型", "有限责任公司（自然人投资或控股）"),
            ("注册资本（万元）", "100"),
            ("经营范围", "技术服务、技术开发、技术咨询；软件开发"),
            ("股东及出资", "张三 60万元；李四 40万元"),
        ],
    ),
    "company-deregistration-application": _form(
        "公司注销登记申请书",
        ENTERPRISE,
        [("注销原因", "股东会决议解散"), ("清算组成员", "张三、李四"), ("清算公告日期", "2026年01月05日")],
    ),
    "individual-business-application": _form(
        "个体工商户登记（备案）申请书",
        PERSON,
        [
            ("个体工商户名称", "杭州市西湖区张三示例小吃店"),
            ("组成形式", "个人经营"),
            ("经营场所", "浙江省杭州市西湖区示例路12号"),
            ("经营范围", "小型餐饮"),
            ("资金数额（万元）", "5"),
        ],
    ),
    "food-business-application": _form(
        "食品经营许可申请书",
        ENTERPRISE,
        [
            ("经营者名称", "杭州示例餐饮管理有限公司"),
            ("经营场所", "浙江省杭州市西湖区示例路20号"),
            ("主体业态", "餐饮服务经营者（小型餐馆）"),
            ("经营项目", "热食类食品制售"),
            ("食品安全管理人员", SPOUSE["name"]),
        ],
    ),
    "food-production-application": _form(
        "食品生产许可申请书",
        ENTERPRISE,
        [
            ("生产地址", "浙江省杭州市余杭区示例工业园8号"),
            ("食品类别", "糕点"),
            ("品种明细", "热加工糕点（烘烤类）"),
            ("食品安全管理人员", SPOUSE["name"]),
        ],
    ),
    "special-equipment-registration": _form(
        "特种设备使用登记表",
        ENTERPRISE,
        [
            ("设备类别", "电梯"),
            ("设备品种", "曳引驱动乘客电梯"),
            ("设备代码", "3110330106202600001（示例）"),
            ("使用地点", "浙江省杭州市西湖区示例路88号3幢"),
            ("安全管理员", SPOUSE["name"]),
        ],
    ),
    "road-freight-application": _form(
        "道路货物运输经营申请表",
        ENTERPRISE,
        [
            ("申请经营范围", "道路普通货物运输"),
            ("拟投入车辆", "重型厢式货车3辆"),
            ("驾驶人员数", "4"),
            ("安全生产管理人员", SPOUSE["name"]),
        ],
    ),
    "social-org-application": _form(
        "社会团体成立登记申请书",
        [
            ("社会团体名称", "浙江省示例技术协会"),
            ("业务主管单位", "浙江省科学技术协会"),
            ("住所", "浙江省杭州市西湖区示例路8号"),
            ("拟任法定代表人", APPLICANT["name"]),
            ("会员数", "单位会员35个"),
        ],
        [("活动资金（万元）", "10"), ("业务范围", "学术交流、技术培训、咨询服务")],
    ),
}
