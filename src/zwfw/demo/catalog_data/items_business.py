"""市场监管 (企业开办、变更、注销、准营) 和税务."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

REG = "中华人民共和国市场主体登记管理条例"
REG_RULE = "中华人民共和国市场主体登记管理条例实施细则"
COMPANY_LAW = "中华人民共和国公司法"
FOOD_LAW = "中华人民共和国食品安全法"
FOOD_BIZ_RULE = "食品经营许可和备案管理办法（国家市场监督管理总局令第78号）"
TAX_LAW = "中华人民共和国税收征收管理法"
SJ_PLACES = [c.place("杭州市市场监管局企业开办专区（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)]


def add(b: CatalogBuilder) -> None:
    _registration(b)
    _permits(b)
    _tax(b)


def _registration(b: CatalogBuilder) -> None:
    b.parent_base("000401001000", "企业登记", kind="licensing", level="tiered",
                  bases=[c.reg(REG, "第十九条")], limit=3)
    b.item(
        c.HZSJ, "000401001001", "企业设立登记（有限责任公司）",
        kind="licensing", topics=["business-start"], audience="enterprise", parent="000401001000",
        aliases=("公司注册", "开公司", "营业执照办理", "企业开办"),
        summary="设立有限责任公司申请设立登记；企业开办“一件事”一次提交，营业执照、公章、发票、社保和公积金开户、银行预约开户全程网办，1个工作日内办结。",
        cond="1. 股东符合法定人数；2. 有符合公司章程规定的出资；3. 股东共同制定公司章程；4. 有公司名称，建立符合要求的组织机构；5. 有公司住所。",
        bases=[c.law(COMPANY_LAW), c.reg(REG, "第十九条"), c.rule(REG_RULE)],
        limit=(3, 1), legal_note="材料齐全、符合法定形式的当场登记；不能当场登记的，3个工作日内予以登记",
        promised_note="企业开办全流程1个工作日", visits=0, depth=4, scope="province", pop=41870, places=SJ_PLACES,
        result=("营业执照", "license"), result_lic=c.LT_BIZ, delivery=("electronic", "express", "window"),
        process=steps(("名称自主申报", "在浙江省企业开办“一件事”平台自主申报企业名称"),
                      ("在线填报", "一表填报设立登记、公章刻制、发票申领、社保和公积金登记、银行开户预约信息"),
                      ("电子签名", "全体股东、法定代表人等通过电子营业执照或实名认证在线签名"),
                      ("审核登记", "登记机关形式审查，符合条件的予以登记，同步推送各部门"),
                      ("领取执照", "下载电子营业执照，纸质执照和公章可免费邮寄或窗口领取")),
        mats=[c.mat("公司登记（备案）申请书", form="company-registration-application"),
              c.mat("公司章程", notes="可使用平台提供的章程范本在线生成"),
              c.lic_mat("股东居民身份证", c.LT_ID_CARD, notes="自然人股东通过实名认证核验身份"),
              c.BIZ_LICENSE(cond="股东为企业法人的，提交其营业执照"),
              c.shared("住所使用证明（不动产登记信息）", c.RES_PROPERTY, cond="住所为自有房产且已登记的"),
              c.mat("住所使用证明（租赁合同）", cond="住所为租赁的，提交租赁协议"),
              c.mat("法定代表人、董事、监事和经理的任职文件")],
    )
    b.item(
        c.HZSJ, "000401001002", "企业变更登记",
        kind="licensing", topics=["business-change"], audience="enterprise", parent="000401001000",
        aliases=("公司变更", "营业执照变更", "法人变更", "地址变更"),
        summary="企业名称、住所、法定代表人、注册资本、经营范围、股东等登记事项发生变更的，申请变更登记；电子营业执照在线签名，全程网办。",
        cond="企业登记事项发生变更，且已依照法律法规和公司章程作出变更决议或决定。",
        bases=[c.reg(REG, "第二十四条"), c.rule(REG_RULE)],
        limit=(3, 1), visits=0, depth=4, scope="province", pop=28460, places=SJ_PLACES,
        result=("营业执照（变更后）", "license"), result_lic=c.LT_BIZ,
        handling=(("名称变更", "change"), ("住所变更", "change"), ("法定代表人变更", "change"),
                  ("注册资本变更", "change"), ("经营范围变更", "change"), ("股东（股权）变更", "change")),
        mats=[c.mat("公司登记（备案）申请书", form="company-registration-application"),
              c.mat("关于变更事项的决议或决定"), c.mat("修改后的公司章程或章程修正案"),
              c.mat("新住所使用证明", handling=("02",)),
              c.mat("新任法定代表人的任职文件", handling=("03",)),
              c.mat("股权转让协议", handling=("06",))],
    )
    b.item(
        c.HZSJ, "000401001003", "企业注销登记",
        kind="licensing", topics=["business-close"], audience="enterprise", parent="000401001000",
        aliases=("公司注销", "注销营业执照"),
        summary="企业因解散、被宣告破产等原因终止的，清算完毕后申请注销登记；企业注销“一网通办”，税务、社保、海关等同步办理。",
        cond="1. 依法完成清算，清算组已在国家企业信用信息公示系统公告；2. 清偿全部债务；3. 已办结税务注销等。",
        bases=[c.law(COMPANY_LAW), c.reg(REG, "第三十一条"), c.reg(REG, "第三十二条"), c.rule(REG_RULE)],
        limit=(3, 1), legal_note="清算公告期（45日）不计入", visits=0, depth=4, scope="province", pop=9650, places=SJ_PLACES,
        result=("准予注销登记通知书", "document"), delivery=("electronic",),
        mats=[c.mat("公司注销登记申请书", form="company-deregistration-application"),
              c.mat("依法作出解散的决议或决定，或者人民法院裁定解散、宣告破产的文书"),
              c.mat("经确认的清算报告"), c.shared("清税信息", c.RES_TAX, notes="税务部门推送清税信息，无需提交清税证明")],
    )
    b.item(
        c.HZSJ, "000401001004", "企业简易注销登记",
        kind="licensing", topics=["business-close"], audience="enterprise", parent="000401001000",
        aliases=("简易注销",),
        summary="未发生债权债务或已将债权债务清偿完结的企业，经20日公示无异议后申请简易注销，无需提交清算报告。",
        cond="1. 未发生债权债务或已将债权债务清偿完结；2. 未发生或已结清清偿费用、职工工资、社会保险费用、法定补偿金和应缴纳税款；"
             "3. 全体投资人书面承诺对上述情况的真实性承担法律责任；4. 不存在不适用简易注销的情形。",
        bases=[c.reg(REG, "第三十三条"), c.rule(REG_RULE)],
        limit=(3, 1), legal_note="公示期20日不计入；公示期满无异议的，3个工作日内办理", visits=0, depth=4, scope="province", pop=12310,
        places=SJ_PLACES, result=("准予简易注销登记通知书", "document"), delivery=("electronic",),
        mats=[c.mat("简易注销登记申请书"), c.mat("全体投资人承诺书", notes="在国家企业信用信息公示系统公示20日")],
    )
    b.item(
        c.HZSJ, "000402001000", "个体工商户登记",
        kind="licensing", topics=["business-start"], audience="both",
        aliases=("个体户注册", "个体执照", "开店营业执照"),
        summary="有经营能力的公民从事工商业经营，申请个体工商户设立、变更、注销登记；即办件，浙里办全程网办。",
        cond="有经营能力的自然人或家庭；经营者依法承诺住所（经营场所）合法有效。",
        bases=[c.reg("促进个体工商户发展条例"), c.reg(REG, "第十九条")],
        limit=(3, 0), visits=0, depth=4, scope="province", pop=35420, places=SJ_PLACES,
        result=("营业执照（个体工商户）", "license"), result_lic=c.LT_BIZ,
        handling=(("设立登记", "new"), ("变更登记", "change"), ("注销登记", "cancellation")),
        mats=[c.mat("个体工商户登记（备案）申请书", form="individual-business-application"),
              c.ID_CARD(who="经营者"), c.mat("经营场所使用证明", handling=("01", "02"),
                                             notes="可作住所（经营场所）申报承诺"),
              c.lic_mat("营业执照", c.LT_BIZ, handling=("02", "03"))],
    )
    b.item(
        c.HZSJ, "000403001000", "企业名称自主申报",
        kind="other_power", topics=["business-start"], audience="enterprise", aliases=("公司起名", "核名", "名称核准"),
        summary="申请人通过企业名称申报系统自主申报企业名称，系统自动比对，即时生成名称申报结果。",
        cond="企业名称符合《企业名称登记管理规定》，不与同一登记机关已登记的同行业企业名称相同。",
        bases=[c.reg("企业名称登记管理规定"), c.rule("企业名称登记管理规定实施办法")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=36850, places=SJ_PLACES,
        result=("企业名称申报结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(who="申请人"), c.mat("企业名称自主申报承诺", orig=0, notes="在线勾选承诺")],
    )
    b.item(
        c.HZSJ, "000404001000", "股权出质设立登记",
        kind="confirmation", topics=["business-change"], audience="enterprise", aliases=("股权质押登记",),
        summary="以持有的有限责任公司或股份有限公司股权出质的，出质人和质权人共同申请股权出质登记。",
        cond="出质股权权属清晰、依法可以转让，未被人民法院冻结。",
        bases=[c.law("中华人民共和国民法典", "第四百四十三条"), c.rule("股权出质登记办法")],
        limit=(3, 0), visits=0, depth=4, scope="none", pop=1540, places=SJ_PLACES,
        result=("股权出质设立登记通知书", "document"), delivery=("electronic",),
        handling=(("设立登记", "new"), ("变更登记", "change"), ("注销登记", "cancellation")),
        mats=[c.mat("股权出质登记申请书"), c.mat("质权合同"), c.ID_CARD(who="出质人、质权人"),
              c.BIZ_LICENSE(cond="出质人或质权人为单位的")],
    )
    b.item(
        c.HZSJ, "000405001000", "农民专业合作社设立登记",
        kind="licensing", topics=["business-start"], audience="enterprise", aliases=("合作社注册",),
        summary="设立农民专业合作社，由全体设立人指定的代表或者委托的代理人申请设立登记。",
        cond="1. 有五名以上符合规定的成员；2. 有符合规定的章程；3. 有符合规定的组织机构；4. 有符合规定的名称和章程确定的住所；5. 有符合章程规定的成员出资。",
        bases=[c.law("中华人民共和国农民专业合作社法", "第十二条"), c.reg(REG)],
        limit=(3, 1), visits=0, depth=4, scope="province", pop=670, places=SJ_PLACES,
        result=("营业执照（农民专业合作社）", "license"), result_lic=c.LT_BIZ,
        mats=[c.mat("农民专业合作社登记（备案）申请书"), c.mat("全体设立人签名、盖章的设立大会纪要"),
              c.mat("全体设立人签名、盖章的章程"), c.mat("成员名册及成员身份证明"), c.mat("住所使用证明")],
    )


def _permits(b: CatalogBuilder) -> None:
    b.item(
        c.HZSJ, "000410001000", "食品经营许可",
        kind="licensing", topics=["permits", "food-drug"], audience="enterprise",
        aliases=("食品经营许可证", "餐饮许可证", "开饭店"),
        summary="从事食品销售和餐饮服务，应当依法取得食品经营许可；推行告知承诺，全程网办，现场核查后发证。",
        cond="1. 具有与经营的食品品种、数量相适应的经营场所；2. 具有相应的经营设备或者设施；3. 有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；"
             "4. 具有合理的设备布局和工艺流程。",
        bases=[c.law(FOOD_LAW, "第三十三条"), c.law(FOOD_LAW, "第三十五条"), c.rule(FOOD_BIZ_RULE)],
        limit=(10, 3), legal_note="自受理申请之日起10个工作日内作出决定；现场核查时间计入", visits=0, depth=4, scope="none", pop=24630,
        places=SJ_PLACES,
        result=("食品经营许可证", "license"), result_lic=c.LT_FOOD_BIZ, delivery=("electronic", "express"),
        process=steps(("在线申请", "通过浙江政务服务网或浙里办提交申请，选择告知承诺或一般程序"),
                      ("受理", "材料齐全、符合法定形式的予以受理，不齐全的一次性告知"),
                      ("现场核查", "需要核查的，市场监管人员到经营场所核查，申请人无需到窗口"),
                      ("决定发证", "作出准予许可决定，发放电子许可证，纸质证书免费邮寄")),
        handling=(("新办", "new"), ("变更", "change"), ("延续", "renewal"), ("补办", "reissue"), ("注销", "cancellation")),
        mats=[c.mat("食品经营许可申请书", form="food-business-application"), c.BIZ_LICENSE(),
              c.mat("与食品经营相适应的主要设备设施、经营布局、操作流程等文件", handling=("01", "02")),
              c.mat("食品安全自查、从业人员健康管理、进货查验记录等保证食品安全的规章制度", handling=("01",)),
              c.lic_mat("原食品经营许可证", c.LT_FOOD_BIZ, handling=("02", "03", "05")),
              *c.LEGAL_REP_MATS],
    )
    b.item(
        c.HZSJ, "000410002000", "仅销售预包装食品备案",
        kind="filing", topics=["permits", "food-drug"], audience="both", aliases=("预包装食品备案", "小超市备案"),
        summary="仅销售预包装食品的，不需要取得食品经营许可，但应当向所在地市场监管部门备案，当场办结。",
        cond="已取得营业执照，仅从事预包装食品销售（含保健食品、特殊医学用途配方食品等另有规定的除外）。",
        bases=[c.law(FOOD_LAW, "第三十五条"), c.rule(FOOD_BIZ_RULE)],
        limit=(1, 0), visits=0, depth=4, scope="none", pop=8940, places=SJ_PLACES,
        result=("仅销售预包装食品备案信息", "other"), delivery=("electronic",),
        mats=[c.mat("仅销售预包装食品备案信息采集表"), c.BIZ_LICENSE()],
    )
    b.item(
        c.HZSJ, "000410003000", "食品生产许可",
        kind="licensing", topics=["permits", "food-drug"], audience="enterprise", aliases=("SC认证", "食品生产许可证"),
        summary="从事食品生产活动，应当依法取得食品生产许可。",
        cond="具有与生产的食品品种、数量相适应的生产场所、设备设施、专业技术人员和管理人员，以及保证食品安全的规章制度。",
        bases=[c.law(FOOD_LAW, "第三十五条"), c.rule("食品生产许可管理办法")],
        limit=(10, 5), legal_note="现场核查时间不超过5个工作日，计入审批时限", visits=1, depth=3, scope="none", pop=1720,
        places=SJ_PLACES,
        result=("食品生产许可证", "license"), result_lic=c.LT_FOOD_PROD,
        handling=(("新办", "new"), ("变更", "change"), ("延续", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("食品生产许可申请书", form="food-production-application"), c.BIZ_LICENSE(),
              c.mat("食品生产加工场所及其周围环境平面图、各功能区间布局平面图、工艺设备布局图和食品生产工艺流程图"),
              c.mat("食品生产主要设备、设施清单"), c.mat("食品安全管理制度目录")],
    )
    b.item(
        c.HZSJ, "000410004000", "小餐饮店登记",
        kind="licensing", topics=["permits", "food-drug"], audience="both", aliases=("小餐饮登记证",),
        summary="经营场所面积较小、从业人员较少的小餐饮店，按浙江省规定办理小餐饮店登记证，当场办结。",
        cond="经营场所使用面积和从业人员符合浙江省小餐饮店标准，具备基本的食品安全条件。",
        bases=[c.local("浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定")],
        limit=(10, 0), visits=0, depth=4, scope="none", pop=5180, places=SJ_PLACES,
        result=("小餐饮店登记证", "license"),
        mats=[c.mat("小餐饮店登记申请表"), c.ID_CARD(who="经营者"), c.BIZ_LICENSE(),
              c.mat("食品安全承诺书")],
    )
    b.item(
        c.HZSJ, "000411001000", "特种设备使用登记",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("电梯使用登记", "锅炉登记", "叉车登记"),
        summary="特种设备使用单位在设备投入使用前或投入使用后30日内办理使用登记，领取使用登记证。",
        cond="特种设备已经监督检验或定期检验合格，使用单位建立了岗位责任、隐患治理等安全管理制度。",
        bases=[c.law("中华人民共和国特种设备安全法", "第三十三条"), c.rule("特种设备使用管理规则")],
        limit=(15, 5), visits=0, depth=4, scope="none", pop=3980, places=SJ_PLACES,
        result=("特种设备使用登记证", "license"),
        mats=[c.mat("特种设备使用登记表", form="special-equipment-registration"), c.BIZ_LICENSE(),
              c.mat("特种设备产品合格证"), c.issued("特种设备监督检验证明", "特种设备检验机构")],
    )
    b.item(
        c.SCJ, "000412001000", "工业产品生产许可证核发",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("生产许可证", "QS"),
        summary="生产列入工业产品生产许可证目录的重要工业产品（如危险化学品、电线电缆等）的企业，申请生产许可证。",
        cond="有营业执照；有与所生产产品相适应的专业技术人员、生产条件和检验检疫手段；有保证产品质量的管理制度和责任制度；产品符合有关国家标准。",
        bases=[c.reg("中华人民共和国工业产品生产许可证管理条例"), c.rule("工业产品生产许可证管理条例实施办法")],
        limit=(60, 20), legal_note="产品检验时间不计入", visits=0, depth=4, scope="none", pop=460, level="provincial",
        result=("全国工业产品生产许可证", "license"),
        mats=[c.mat("工业产品生产许可证申请书"), c.BIZ_LICENSE(), c.mat("产品检验报告"), c.mat("告知承诺书")],
    )
    b.item(
        c.SCJ, "000412002000", "检验检测机构资质认定",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("CMA认证", "资质认定"),
        summary="向社会出具具有证明作用的数据、结果的检验检测机构，申请资质认定（CMA）。",
        cond="依法成立并能够承担相应法律责任；具有与其从事检验检测活动相适应的检验检测技术人员、管理人员、工作场所、设备设施和管理体系。",
        bases=[c.rule("检验检测机构资质认定管理办法")],
        limit=(10, 7), legal_note="技术评审时间不计入", visits=1, depth=3, scope="none", pop=280, level="provincial",
        result=("检验检测机构资质认定证书", "license"),
        mats=[c.mat("检验检测机构资质认定申请书"), c.BIZ_LICENSE(), c.mat("管理体系文件"), c.mat("检验检测能力申请表")],
    )


def _tax(b: CatalogBuilder) -> None:
    b.item(
        c.HZSW, "001101001000", "新办纳税人涉税事项办理（信息确认）",
        kind="public_service", topics=["business-start", "tax"], audience="enterprise",
        aliases=("税务登记", "新办企业税务报到"),
        summary="领取营业执照的新办纳税人，“多证合一”登记信息自动推送，在电子税务局确认登记信息、办理税费种认定和发票申领，一次办结。",
        cond="已领取营业执照的新办企业、个体工商户。",
        bases=[c.law(TAX_LAW, "第十五条"), c.rule("税务登记管理办法")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=32780,
        result=("税务登记信息确认结果", "other"), delivery=("electronic",),
        mats=[c.BIZ_LICENSE(), c.shared("市场主体登记信息", c.RES_ENTERPRISE), c.lic_mat("法定代表人居民身份证", c.LT_ID_CARD)],
    )
    b.item(
        c.HZSW, "001101002000", "发票领用（数电发票开票额度确定）",
        kind="public_service", topics=["tax", "business-start"], audience="enterprise",
        aliases=("领发票", "发票申领", "数电票"),
        summary="纳税人在电子税务局开具全面数字化的电子发票（数电发票），税务机关自动赋予开具金额总额度，可申请调整。",
        cond="已办理税务登记信息确认、实名认证的纳税人。",
        bases=[c.reg("中华人民共和国发票管理办法")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=29450,
        result=("数电发票开票额度", "other"), delivery=("electronic",),
        mats=[c.mat("纳税人领用发票票种核定表", orig=0, notes="在电子税务局在线填写"),
              c.lic_mat("办税人员居民身份证", c.LT_ID_CARD)],
    )
    b.item(
        c.HZSW, "001101003000", "清税证明开具（注销税务登记）",
        kind="public_service", topics=["business-close", "tax"], audience="enterprise",
        aliases=("税务注销", "清税证明"),
        summary="纳税人办理注销前结清应纳税款、滞纳金、罚款，缴销发票后，税务机关出具清税证明；符合条件的即时办结。",
        cond="已结清应纳税款、滞纳金、罚款，缴销发票和税务证件，不存在未办结的涉税事项。",
        bases=[c.law(TAX_LAW, "第十六条"), c.rule("税务登记管理办法")],
        limit=(20, 0), promised_note="符合即办条件的当场出具清税文书", visits=0, depth=4, scope="province", pop=11040,
        result=("清税证明", "document"), delivery=("electronic",),
        mats=[c.mat("清税申报表", orig=0, notes="在电子税务局在线填写"), c.shared("发票缴销信息", c.RES_TAX)],
    )
    b.item(
        c.HZSW, "001101004000", "跨区域涉税事项报告",
        kind="public_service", topics=["tax"], audience="enterprise", aliases=("外经证", "跨区域经营"),
        summary="纳税人跨省（市）临时从事生产经营活动的，在电子税务局填报跨区域涉税事项报告。",
        cond="跨省（自治区、直辖市和计划单列市）临时从事生产经营活动的纳税人。",
        bases=[c.norm("国家税务总局关于创新跨区域涉税事项报验管理制度的通知")],
        limit=(1, 0), visits=0, depth=4, scope="cross_province", pop=7420,
        result=("跨区域涉税事项报告表", "other"), delivery=("electronic",),
        mats=[c.mat("跨区域涉税事项报告表", orig=0, notes="在线填写"), c.mat("跨区域经营合同", optional=True)],
    )
    b.item(
        c.SWS, "001102001000", "个人所得税综合所得年度汇算",
        kind="public_service", topics=["tax-person"], aliases=("个税汇算", "个税退税", "个税年度汇算"),
        summary="居民个人取得综合所得，在次年3月1日至6月30日内办理年度汇算，多退少补；个人所得税 APP 全程网办。",
        cond="取得工资薪金、劳务报酬、稿酬、特许权使用费综合所得，需要补税或申请退税的居民个人。",
        bases=[c.law("中华人民共和国个人所得税法", "第十一条"), c.reg("中华人民共和国个人所得税法实施条例")],
        limit=(20, 5), legal_note="退税审核时间自申请之日起计算", visits=0, depth=4, scope="nationwide", pop=87640,
        level="provincial",
        result=("年度汇算结果及退（补）税", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("个人所得税年度自行纳税申报表", orig=0, notes="系统预填，核对确认即可"),
              c.mat("专项附加扣除信息", cond="享受子女教育、住房贷款利息、赡养老人等专项附加扣除的", orig=0)],
    )
    b.item(
        c.SWS, "001102002000", "城乡居民基本医疗保险费缴纳",
        kind="public_service", topics=["medical", "tax-person"], aliases=("医保缴费", "交医保"),
        summary="城乡居民在集中缴费期内通过浙里办、支付宝、银行等渠道缴纳城乡居民医保费，电子缴费凭证即时生成。",
        cond="已办理城乡居民基本医疗保险参保登记的人员。",
        bases=[c.law("中华人民共和国社会保险法", "第二十五条"), c.reg("社会保险费征缴暂行条例")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=71350, level="provincial",
        result=("社会保险费缴费凭证", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(who="参保人")],
    )
    b.item(
        c.HZSW, "001102003000", "契税申报",
        kind="public_service", topics=["real-estate", "tax-person"], audience="both", aliases=("交契税", "房产税费"),
        summary="取得土地、房屋权属的，在依法办理权属登记前申报缴纳契税；与不动产登记一窗受理。",
        cond="在本市受让土地使用权、购买房屋或以其他方式承受土地、房屋权属的单位和个人。",
        bases=[c.law("中华人民共和国契税法", "第九条"), c.law("中华人民共和国契税法", "第十条")],
        limit=(1, 0), visits=1, depth=3, scope="none", pop=24810,
        result=("契税完税凭证", "other"),
        mats=[c.ID_CARD(), c.shared("房屋交易合同（网签备案信息）", c.RES_HOUSING), c.shared("家庭住房情况", c.RES_PROPERTY)],
    )
