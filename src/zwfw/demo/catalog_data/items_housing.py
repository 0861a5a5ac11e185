"""住房公积金、不动产登记、住房保障和房产管理、建设工程."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

FUND_REG = "住房公积金管理条例"
CIVIL_CODE = "中华人民共和国民法典"
RE_REG = "不动产登记暂行条例"
RE_RULE = "不动产登记暂行条例实施细则"
RE_FEE_BASIS = "国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知（发改价格规〔2016〕2559号）"
RE_FEE_HOME = c.fee("不动产登记费（住宅类）", "80元/件（含第一本证书工本费）", RE_FEE_BASIS)
RE_FEE_OTHER = c.fee("不动产登记费（非住宅类）", "550元/件（含第一本证书工本费）", RE_FEE_BASIS)
BUILD_LAW = "中华人民共和国建筑法"


def add(b: CatalogBuilder) -> None:
    _fund(b)
    _real_estate(b)
    _housing(b)
    _construction(b)


def _fund(b: CatalogBuilder) -> None:
    b.parent_base("001701001000", "住房公积金提取", kind="public_service", level="municipal",
                  bases=[c.reg(FUND_REG, "第二十四条"), c.reg(FUND_REG, "第二十五条")], limit=3)
    b.parent_base("001702001000", "住房公积金个人住房贷款", kind="public_service", level="municipal",
                  bases=[c.reg(FUND_REG, "第二十六条")], limit=15)
    fund_bases = [c.reg(FUND_REG, "第二十四条"), c.reg(FUND_REG, "第二十五条")]
    fund_info = c.shared("住房公积金缴存信息", c.RES_FUND)
    b.item(
        c.HZGJJ, "001701001001", "住房公积金提取（购买自住住房）",
        kind="public_service", topics=["housing-fund", "real-estate"], parent="001701001000", base_level="municipal",
        aliases=("公积金提取", "购房提取公积金", "提取公积金"),
        summary="职工购买自住住房（新建商品房、二手房）后，申请提取本人及配偶的住房公积金；网签备案和不动产登记信息共享，全程网办。",
        cond="1. 在本市购买自住住房并已完成网签备案或不动产登记；2. 购房行为发生之日起一定期限内提出申请；3. 未使用住房公积金贷款或符合组合提取规定。",
        bases=fund_bases, limit=(3, 1), legal_note="自受理申请之日起3日内作出准予提取或者不准提取的决定",
        visits=0, depth=4, scope="province", pop=55420,
        result=("住房公积金提取结果（资金划转至本人银行账户）", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), fund_info, c.shared("房屋网签备案或不动产登记信息", c.RES_HOUSING),
              c.lic_mat("结婚证", c.LT_MARRIAGE, cond="同时提取配偶住房公积金的"),
              c.mat("购房发票", cond="购买二手房且无法通过数据共享获取交易信息的")],
    )
    b.item(
        c.HZGJJ, "001701001002", "住房公积金提取（偿还住房贷款本息）",
        kind="public_service", topics=["housing-fund"], parent="001701001000", base_level="municipal",
        aliases=("还贷提取", "公积金还房贷"),
        summary="职工偿还自住住房商业贷款或住房公积金贷款本息的，可按年或按月提取住房公积金，支持签约按月自动提取。",
        cond="职工及配偶在本市使用商业银行个人住房贷款或住房公积金贷款购买自住住房，且正常还款。",
        bases=fund_bases, limit=(3, 1), visits=0, depth=4, scope="province", pop=47860,
        result=("住房公积金提取结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), fund_info, c.shared("商业银行个人住房贷款信息", "中国人民银行杭州分行·个人住房贷款信息",
                                               cond="偿还商业银行住房贷款的")],
    )
    b.item(
        c.HZGJJ, "001701001003", "住房公积金提取（租赁住房）",
        kind="public_service", topics=["housing-fund", "housing"], parent="001701001000", base_level="municipal",
        aliases=("租房提取", "租房提取公积金"),
        summary="职工及配偶在本市无自有住房且租赁住房的，可按月或按季提取住房公积金支付房租。",
        cond="1. 职工本人及配偶在本市无自有住房；2. 在本市租赁住房居住；3. 正常缴存住房公积金。",
        bases=fund_bases, limit=(3, 1), visits=0, depth=4, scope="cross_province", pop=61230,
        result=("住房公积金提取结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), fund_info, c.shared("无房产信息核查", c.RES_PROPERTY),
              c.mat("房屋租赁合同", cond="租赁公共租赁住房或按实际房租提取的", orig=0, copy=1)],
    )
    b.item(
        c.HZGJJ, "001701001004", "住房公积金提取（离休、退休）",
        kind="public_service", topics=["housing-fund", "retirement"], parent="001701001000", base_level="municipal",
        aliases=("退休提取公积金", "提前退休提取"),
        summary="职工离休、退休（含提前退休）的，可销户提取本人住房公积金账户余额；纳入“退休一件事”，跨省通办。",
        cond="职工已办理离休、退休手续（含提前退休）。",
        bases=[c.reg(FUND_REG, "第二十四条")], limit=(3, 1), visits=0, depth=4, scope="cross_province", pop=14520,
        result=("住房公积金销户提取结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), fund_info, c.shared("离退休信息", c.RES_SOCIAL)],
    )
    b.item(
        c.HZGJJ, "001701001005", "住房公积金提取（职工死亡或被宣告死亡）",
        kind="public_service", topics=["housing-fund", "funeral"], parent="001701001000", base_level="municipal",
        aliases=("公积金继承提取",),
        summary="职工死亡或者被宣告死亡的，职工的继承人、受遗赠人可以提取职工住房公积金账户内的存储余额。",
        cond="职工死亡或被宣告死亡，申请人为其继承人或受遗赠人。",
        bases=[c.reg(FUND_REG, "第二十四条")], limit=(3, 2), visits=1, depth=3, scope="city", pop=2470,
        result=("住房公积金提取结果", "other"),
        mats=[c.ID_CARD(who="继承人"), c.shared("居民死亡医学证明（推断）书", c.RES_DEATH),
              c.issued("继承公证书或人民法院判决书、裁定书", "公证机构或人民法院",
                       notes="继承人为配偶、子女、父母且无争议的，可提交亲属关系证明及全体继承人签名的承诺书替代"),
              c.mat("住房公积金提取申请表", form="housing-fund-withdrawal")],
    )
    loan_mats = [
        c.ID_CARD(who="借款人及配偶"), fund_info, c.lic_mat("结婚证", c.LT_MARRIAGE, cond="已婚的"),
        c.shared("购房合同（网签备案信息）", c.RES_HOUSING), c.shared("家庭住房情况", c.RES_PROPERTY),
        c.mat("住房公积金个人住房贷款申请表", form="housing-fund-loan-application"),
        c.mat("首付款付款凭证"),
    ]
    b.item(
        c.HZGJJ, "001702001001", "住房公积金个人住房贷款（购买新建商品住房）",
        kind="public_service", topics=["housing-fund", "real-estate"], parent="001702001000", base_level="municipal",
        aliases=("公积金贷款", "公积金买房贷款"),
        summary="缴存职工购买新建商品住房，申请住房公积金个人住房贷款，面签后线上审批。",
        cond="1. 连续足额缴存住房公积金满6个月；2. 购买本市自住住房；3. 具有稳定收入和偿还贷款本息能力；4. 无尚未还清的住房公积金贷款。",
        bases=[c.reg(FUND_REG, "第二十六条")], limit=(15, 5), legal_note="自受理申请之日起15日内作出准予贷款或者不准贷款的决定",
        visits=1, depth=3, scope="province", pop=18210,
        result=("住房公积金贷款审批结果及借款合同", "document"), mats=loan_mats,
        process=steps(("线上申请", "在浙里办或杭州公积金网上服务大厅填写贷款申请，系统共享网签备案、缴存和征信信息"),
                      ("预审", "公积金中心在线审核贷款额度和资格，告知可贷额度"),
                      ("面签", "借款人及配偶到受托银行网点或公积金服务大厅面签借款合同、抵押合同"),
                      ("审批", "公积金中心在承诺时限内作出准予贷款或不准贷款的决定"),
                      ("抵押放款", "办理不动产抵押登记（银行端网办）后放款至售房人账户")),
    )
    b.item(
        c.HZGJJ, "001702001002", "住房公积金个人住房贷款（购买二手住房）",
        kind="public_service", topics=["housing-fund", "real-estate"], parent="001702001000", base_level="municipal",
        aliases=("二手房公积金贷款",),
        summary="缴存职工购买二手住房，申请住房公积金个人住房贷款，与不动产转移登记、抵押登记联办。",
        cond="1. 连续足额缴存住房公积金满6个月；2. 购买本市二手自住住房并已签订存量房买卖合同；3. 具有偿还能力。",
        bases=[c.reg(FUND_REG, "第二十六条")], limit=(15, 5), visits=1, depth=3, scope="province", pop=9770,
        result=("住房公积金贷款审批结果及借款合同", "document"),
        mats=[*loan_mats[:-1], c.mat("房屋评估报告", cond="贷款机构要求评估的")],
    )
    b.item(
        c.HZGJJ, "001702002000", "住房公积金贷款提前还款",
        kind="public_service", topics=["housing-fund"], aliases=("公积金提前还贷",),
        summary="住房公积金贷款借款人申请部分或全部提前偿还贷款，可使用住房公积金账户余额冲还。",
        cond="住房公积金贷款正常还款、无逾期的借款人。",
        bases=[c.reg(FUND_REG, "第二十六条")], limit=(3, 0), visits=0, depth=4, scope="city", pop=12980, base_level="municipal",
        result=("提前还款结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(who="借款人")],
    )
    b.item(
        c.HZGJJ, "001703001000", "住房公积金单位缴存登记",
        kind="public_service", topics=["business-start", "hr"], audience="enterprise", base_level="municipal",
        aliases=("公积金开户", "单位公积金开户"),
        summary="新设立的单位自设立之日起30日内办理住房公积金缴存登记；纳入企业开办“一件事”，设立登记时一并办理。",
        cond="在本市设立的机关、事业单位、企业、民办非企业单位、社会团体等单位。",
        bases=[c.reg(FUND_REG, "第十四条"), c.reg(FUND_REG, "第十五条")],
        limit=(5, 0), visits=0, depth=4, scope="city", pop=16140,
        result=("住房公积金单位登记信息", "other"), delivery=("electronic",),
        mats=[c.BIZ_LICENSE(), c.shared("市场主体登记信息", c.RES_ENTERPRISE),
              c.mat("住房公积金单位缴存登记表", notes="企业开办平台一并填报")],
    )
    b.item(
        c.HZGJJ, "001703002000", "住房公积金个人账户设立（职工增员）",
        kind="public_service", topics=["hr", "housing-fund"], audience="enterprise", base_level="municipal",
        aliases=("公积金增员",),
        summary="单位录用职工的，自录用之日起30日内为职工办理住房公积金账户设立或转移手续。",
        cond="已办理住房公积金缴存登记的单位新录用职工。",
        bases=[c.reg(FUND_REG, "第十五条")], limit=(3, 0), visits=0, depth=4, scope="city", pop=27310,
        result=("职工住房公积金账户", "other"), delivery=("electronic",),
        mats=[c.mat("职工增员清册", notes="在线填报或批量导入"), c.lic_mat("职工居民身份证", c.LT_ID_CARD)],
    )
    b.item(
        c.HZGJJ, "001704001000", "住房公积金异地转移接续",
        kind="public_service", topics=["housing-fund", "employment"], aliases=("公积金转移", "公积金异地转入"),
        summary="职工跨城市就业，在新就业地缴存住房公积金后，通过全国住房公积金异地转移接续平台将原账户余额转入。",
        cond="职工在转出地已封存住房公积金账户，并在本市建立住房公积金账户正常缴存。",
        bases=[c.reg(FUND_REG)],
        limit=(15, 3), visits=0, depth=4, scope="cross_province", pop=19420, base_level="municipal",
        result=("住房公积金转移接续结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("转出地住房公积金账户信息", "住房城乡建设部·全国住房公积金异地转移接续平台")],
    )
    b.item(
        c.HZGJJ, "001704002000", "住房公积金缴存证明开具",
        kind="public_service", topics=["housing-fund"], aliases=("公积金缴存证明", "异地贷款缴存使用证明"),
        summary="开具个人住房公积金缴存使用证明（含异地贷款职工住房公积金缴存使用证明），电子证明可扫码核验。",
        cond="在本市缴存住房公积金的职工。",
        bases=[c.reg(FUND_REG)], limit=(1, 0), visits=0, depth=4, scope="cross_province", pop=22310, base_level="municipal",
        result=("住房公积金缴存使用证明（电子）", "other"), delivery=("electronic",),
        mats=[c.ID_CARD()],
    )


def _real_estate(b: CatalogBuilder) -> None:
    b.parent_base("000801001000", "不动产登记", kind="confirmation", level="county",
                  bases=[c.law(CIVIL_CODE, "第二百零九条"), c.reg(RE_REG, "第二十条")], limit=30)
    re_limit_note = "不动产登记机构应当自受理登记申请之日起30个工作日内办结"
    application = c.mat("不动产登记申请书", form="real-estate-application")
    b.item(
        c.HZGZ, "000801001001", "不动产首次登记（国有建设用地使用权及房屋所有权）",
        kind="confirmation", topics=["real-estate", "construction"], audience="enterprise", parent="000801001000",
        aliases=("房屋首次登记", "大证办理", "不动产初始登记"),
        summary="新建房屋竣工验收后，房地产开发企业等申请国有建设用地使用权及房屋所有权首次登记。",
        cond="依法取得国有建设用地使用权，房屋已竣工验收合格并完成不动产权籍调查。",
        bases=[c.law(CIVIL_CODE, "第二百零九条"), c.reg(RE_REG, "第十四条"), c.reg(RE_REG, "第二十条"), c.rule(RE_RULE)],
        limit=(30, 5), legal_note=re_limit_note, fees=(RE_FEE_HOME, RE_FEE_OTHER),
        visits=0, depth=4, scope="none", pop=1360,
        result=("不动产权证书", "license"), result_lic=c.LT_PROPERTY,
        mats=[application, c.BIZ_LICENSE(), c.lic_mat("不动产权证书（国有建设用地使用权）", c.LT_PROPERTY),
              c.shared("建设工程规划核实意见", "市规划和自然资源局·工程建设项目审批信息"),
              c.shared("建设工程竣工验收备案信息", "市城乡建设委员会·竣工验收备案信息"),
              c.mat("不动产权籍调查成果（房屋测绘报告）")],
    )
    b.item(
        c.HZGZ, "000801001002", "不动产转移登记（存量房买卖）",
        kind="confirmation", topics=["real-estate"], audience="person", parent="000801001000",
        aliases=("二手房过户", "房产过户", "房屋买卖登记"),
        summary="存量房（二手房）买卖后申请转移登记，交易、缴税、登记“一窗受理”，当日领证。",
        cond="买卖双方已签订存量房买卖合同并完成网签备案，房屋不存在查封、异议登记等限制转移情形；买卖双方共同申请。",
        bases=[c.law(CIVIL_CODE, "第二百零九条"), c.reg(RE_REG, "第十四条"), c.reg(RE_REG, "第二十条"), c.rule(RE_RULE)],
        limit=(30, 1), legal_note=re_limit_note, promised_note="交易、缴税、登记一窗受理，当日办结",
        fees=(RE_FEE_HOME, RE_FEE_OTHER), visits=1, depth=3, scope="none", pop=38470,
        process=steps(("网签", "买卖双方签订存量房买卖合同并完成网签备案"),
                      ("一窗受理", "双方到不动产登记服务中心综合窗口，交易、缴税、登记一窗受理，现场核验身份和意愿"),
                      ("缴税缴费", "税务部门核定契税、个人所得税等，线上或现场缴纳；缴纳不动产登记费"),
                      ("登簿发证", "登记机构审核登簿，当日颁发不动产权证书，同步生成电子证照")),
        result=("不动产权证书", "license"), result_lic=c.LT_PROPERTY,
        mats=[application, c.ID_CARD(who="买卖双方"), c.lic_mat("不动产权证书", c.LT_PROPERTY),
              c.shared("存量房买卖合同（网签备案信息）", c.RES_HOUSING),
              c.shared("完税信息", c.RES_TAX, notes="税务部门推送契税、个人所得税等完税信息"),
              c.lic_mat("结婚证", c.LT_MARRIAGE, cond="出卖的房屋为夫妻共有的")],
    )
    b.item(
        c.HZGZ, "000801001003", "不动产转移登记（新建商品房买卖）",
        kind="confirmation", topics=["real-estate"], parent="000801001000",
        aliases=("新房办证", "交房即交证", "商品房办证"),
        summary="购买新建商品房后办理转移登记；推行“交房即交证”，开发企业与购房人可委托一次申请。",
        cond="房屋已完成首次登记，购房人已签订商品房买卖合同并完成网签备案、缴清契税。",
        bases=[c.law(CIVIL_CODE, "第二百零九条"), c.reg(RE_REG, "第二十条"), c.rule(RE_RULE)],
        limit=(30, 3), legal_note=re_limit_note, fees=(RE_FEE_HOME, RE_FEE_OTHER),
        visits=1, depth=3, scope="none", pop=21880,
        result=("不动产权证书", "license"), result_lic=c.LT_PROPERTY,
        mats=[application, c.ID_CARD(who="购房人"), c.shared("商品房买卖合同（网签备案信息）", c.RES_HOUSING),
              c.shared("契税完税信息", c.RES_TAX), *c.AGENT_MATS],
    )
    b.item(
        c.HZGZ, "000801001004", "不动产抵押权首次登记",
        kind="confirmation", topics=["real-estate", "housing-fund"], audience="both", parent="000801001000",
        aliases=("房屋抵押登记", "按揭登记", "抵押登记"),
        summary="以不动产设定抵押的，抵押人与抵押权人（银行）共同申请抵押权登记；银行端全程网办，生成不动产登记电子证明。",
        cond="已取得不动产权证书或办理预告登记；抵押合同已签订；抵押人与抵押权人共同申请。",
        bases=[c.law(CIVIL_CODE, "第三百九十五条"), c.law(CIVIL_CODE, "第四百零二条"), c.reg(RE_REG, "第十四条"), c.rule(RE_RULE)],
        limit=(30, 1), legal_note=re_limit_note, fees=(RE_FEE_HOME, RE_FEE_OTHER),
        visits=0, depth=4, scope="none", pop=29730,
        result=("不动产登记证明（抵押权）", "license"), result_lic=c.LT_PROPERTY_PROOF, delivery=("electronic",),
        mats=[application, c.lic_mat("不动产权证书", c.LT_PROPERTY), c.mat("主债权合同及抵押合同"),
              c.ID_CARD(who="抵押人"), c.BIZ_LICENSE(cond="抵押权人为金融机构的，提交其营业执照或金融许可证")],
    )
    b.item(
        c.HZGZ, "000801001005", "不动产抵押权注销登记",
        kind="confirmation", topics=["real-estate", "housing-fund"], audience="both", parent="000801001000",
        aliases=("解押", "抵押注销"),
        summary="主债权消灭、抵押权已实现或抵押权人放弃抵押权的，申请抵押权注销登记；银行在线申请，免收登记费。",
        cond="抵押担保的主债权已消灭，或抵押权人放弃抵押权。",
        bases=[c.law(CIVIL_CODE, "第三百九十三条"), c.rule(RE_RULE)],
        limit=(30, 1), legal_note=re_limit_note, visits=0, depth=4, scope="none", pop=20610,
        result=("抵押权注销登记结果", "other"), delivery=("electronic",),
        mats=[application, c.lic_mat("不动产登记证明（抵押权）", c.LT_PROPERTY_PROOF),
              c.mat("抵押权消灭的材料", notes="如银行出具的结清证明")],
    )
    b.item(
        c.HZGZ, "000801001006", "不动产继承转移登记",
        kind="confirmation", topics=["real-estate", "funeral"], parent="000801001000",
        aliases=("房产继承", "继承过户"),
        summary="因继承、受遗赠取得不动产的，继承人申请转移登记；纳入“身后一件事”，死亡信息通过共享核验。",
        cond="被继承人死亡，继承人已就不动产继承达成一致或有生效的法律文书。",
        bases=[c.law(CIVIL_CODE, "第二百三十条"), c.reg(RE_REG, "第十四条"), c.rule(RE_RULE)],
        limit=(30, 10), legal_note=re_limit_note + "；需公告的，公告期不计入",
        fees=(RE_FEE_HOME, RE_FEE_OTHER), visits=1, depth=3, scope="none", pop=4520,
        result=("不动产权证书", "license"), result_lic=c.LT_PROPERTY,
        mats=[application, c.ID_CARD(who="继承人"), c.lic_mat("不动产权证书", c.LT_PROPERTY),
              c.shared("被继承人死亡证明", c.RES_DEATH),
              c.issued("继承公证书", "公证机构", cond="办理了继承公证的"),
              c.mat("全体法定继承人关于不动产继承的协议或放弃继承声明", cond="未办理继承公证的，由全体继承人到场签署"),
              c.mat("亲属关系证明", cond="未办理继承公证的")],
    )
    b.item(
        c.HZGZ, "000801001007", "不动产变更登记（权利人姓名、名称或身份证明变更）",
        kind="confirmation", topics=["real-estate"], audience="both", parent="000801001000",
        aliases=("房产证改名", "房产证信息变更"),
        summary="权利人姓名或名称、身份证明类型或号码发生变更的，申请不动产变更登记。",
        cond="不动产权利人的姓名、名称、身份证明类型或者身份证明号码发生变更。",
        bases=[c.reg(RE_REG, "第十四条"), c.rule(RE_RULE)],
        limit=(30, 1), legal_note=re_limit_note, visits=1, depth=3, scope="none", pop=2030,
        result=("不动产权证书", "license"), result_lic=c.LT_PROPERTY,
        mats=[application, c.ID_CARD(), c.lic_mat("不动产权证书", c.LT_PROPERTY),
              c.shared("户籍姓名变更信息", c.RES_HUKOU, cond="权利人姓名变更的"),
              c.shared("企业名称变更信息", c.RES_ENTERPRISE, cond="权利人为企业且名称变更的")],
    )
    b.item(
        c.HZGZ, "000802001000", "不动产登记资料查询",
        kind="public_service", topics=["real-estate"], audience="both", aliases=("房产查询", "查房产", "不动产权属证明"),
        summary="权利人、利害关系人查询不动产登记资料，在线出具不动产登记信息查询结果证明。",
        cond="不动产权利人、利害关系人，或人民法院、人民检察院等有关国家机关依法查询。",
        bases=[c.reg(RE_REG, "第二十七条"), c.rule("不动产登记资料查询暂行办法")],
        limit=(5, 0), visits=0, depth=4, scope="province", pop=33960,
        result=("不动产登记信息查询结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("不动产登记资料查询申请书"),
              c.mat("存在利害关系的证明材料", cond="利害关系人查询的")],
    )
    b.item(
        c.ZRT, "000803001000", "建设项目用地预审与选址意见书核发",
        kind="licensing", topics=["construction"], audience="enterprise", aliases=("用地预审", "选址意见书"),
        summary="需要审批、核准的建设项目在可行性研究或项目申请阶段，申请用地预审与选址意见书（省级权限项目）。",
        cond="建设项目符合国土空间规划和用途管制要求，符合节约集约用地标准。",
        bases=[c.law("中华人民共和国土地管理法", "第五十二条"), c.law("中华人民共和国城乡规划法", "第三十六条"),
               c.rule("建设项目用地预审管理办法")],
        limit=(20, 10), visits=0, depth=4, scope="none", pop=290,
        result=("建设项目用地预审与选址意见书", "license"),
        mats=[c.mat("建设项目用地预审与选址申请表"), c.mat("建设项目拟选址位置及界址范围矢量数据"),
              c.mat("建设项目用地预审与选址申请报告"), c.mat("项目建设依据文件")],
    )


def _housing(b: CatalogBuilder) -> None:
    b.item(
        c.HZFG, "000701001000", "公共租赁住房保障资格申请",
        kind="confirmation", topics=["housing"], aliases=("公租房申请", "公租房"),
        summary="本市城镇中低收入住房困难家庭、新就业大学毕业生和创业人员等申请公共租赁住房保障资格。",
        cond="1. 家庭人均收入和财产符合杭州市规定标准；2. 在市区无房或人均住房面积低于规定标准；3. 非本市户籍人员在本市连续缴纳社会保险满规定年限。",
        bases=[c.rule("公共租赁住房管理办法"), c.norm("杭州市公共租赁住房保障办法")],
        limit=(20, 15), legal_note="家庭经济状况核对及公示时间不计入", visits=0, depth=4, scope="city", pop=13150,
        result=("公共租赁住房保障资格确认书", "document"), delivery=("electronic",),
        mats=[c.ID_CARD(who="申请人及共同申请家庭成员"), c.HUKOU(cond="本市户籍家庭申请的"),
              c.shared("家庭成员住房情况", c.RES_PROPERTY), c.shared("社会保险参保缴费信息", c.RES_SOCIAL),
              c.mat("公共租赁住房申请表", form="public-rental-application")],
    )
    b.item(
        c.HZFG, "000701002000", "住房租赁补贴申请",
        kind="payment", topics=["housing"], aliases=("租房补贴", "租赁补贴"),
        summary="已取得公共租赁住房保障资格、选择货币补贴方式的家庭，按月领取住房租赁补贴。",
        cond="已取得公共租赁住房保障资格，自行在市场租赁住房并选择货币补贴的家庭。",
        bases=[c.rule("公共租赁住房管理办法"), c.norm("杭州市公共租赁住房保障办法")],
        limit=(20, 10), visits=0, depth=4, scope="city", pop=7240,
        result=("住房租赁补贴", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("房屋租赁合同", orig=0, copy=1, notes="已在住房租赁监管服务平台备案的免于提交"),
              c.lic_mat("社会保障卡", c.LT_SSC, notes="补贴发放至社会保障卡金融账户")],
    )
    b.item(
        c.HZFG, "000702001000", "商品房预售许可",
        kind="licensing", topics=["construction", "permits"], audience="enterprise", aliases=("预售证", "预售许可证"),
        summary="房地产开发企业预售商品房，应当向房产管理部门申请商品房预售许可。",
        cond="1. 已交付全部土地使用权出让金，取得土地使用权证书；2. 持有建设工程规划许可证和施工许可证；"
             "3. 按提供预售的商品房计算，投入开发建设的资金达到工程建设总投资的25%以上，并已经确定施工进度和竣工交付日期。",
        bases=[c.law("中华人民共和国城市房地产管理法", "第四十五条"), c.rule("城市商品房预售管理办法")],
        limit=(10, 5), visits=1, depth=3, scope="none", pop=880,
        result=("商品房预售许可证", "license"),
        mats=[c.mat("商品房预售许可申请表"), c.BIZ_LICENSE(), c.lic_mat("不动产权证书（国有建设用地使用权）", c.LT_PROPERTY),
              c.lic_mat("建筑工程施工许可证", c.LT_BUILD_PERMIT), c.mat("建设工程规划许可证"),
              c.mat("工程施工合同及关于施工进度的说明"), c.mat("商品房预售方案")],
    )
    b.item(
        c.HZFG, "000702002000", "存量房买卖合同网签备案",
        kind="filing", topics=["real-estate"], audience="both", aliases=("二手房网签", "网签备案"),
        summary="存量房买卖双方签订买卖合同后办理网签备案，与不动产转移登记一窗联办。",
        cond="买卖双方已就存量房买卖达成一致，房屋权属清晰、无限制交易情形。",
        bases=[c.law("中华人民共和国城市房地产管理法"), c.norm("房屋交易合同网签备案业务规范（试行）")],
        limit=(1, 0), visits=1, depth=3, scope="none", pop=26750,
        result=("存量房买卖合同备案信息", "other"),
        mats=[c.ID_CARD(who="买卖双方"), c.lic_mat("不动产权证书", c.LT_PROPERTY), c.mat("存量房买卖合同")],
    )


def _construction(b: CatalogBuilder) -> None:
    b.item(
        c.HZJW, "000703001000", "建筑工程施工许可证核发",
        kind="licensing", topics=["construction"], audience="enterprise", aliases=("施工许可证", "施工许可"),
        summary="建筑工程开工前，建设单位向工程所在地建设主管部门申请领取施工许可证；工程建设项目审批系统全程网办。",
        cond="1. 已办理用地批准手续；2. 依法应当办理建设工程规划许可证的已取得；3. 需要拆迁的拆迁进度符合施工要求；"
             "4. 已经确定建筑施工企业；5. 有满足施工需要的资金安排、施工图纸及技术资料；6. 有保证工程质量和安全的具体措施。",
        bases=[c.law(BUILD_LAW, "第七条"), c.law(BUILD_LAW, "第八条"), c.rule("建筑工程施工许可管理办法")],
        limit=(7, 3), legal_note="自收到申请之日起7日内，对符合条件的申请颁发施工许可证", visits=0, depth=4, scope="none", pop=2640,
        base_level="tiered",
        result=("建筑工程施工许可证", "license"), result_lic=c.LT_BUILD_PERMIT, delivery=("electronic", "window"),
        mats=[c.mat("建筑工程施工许可证申请表", form="construction-permit-application"), c.BIZ_LICENSE(),
              c.shared("建设工程规划许可证信息", "市规划和自然资源局·工程建设项目审批信息"),
              c.mat("施工合同及中标通知书", notes="依法必须招标的工程提交中标通知书"),
              c.shared("施工图审查合格信息", "省建设厅·施工图数字化审查信息"),
              c.mat("建设资金已经落实承诺书")],
    )
    b.item(
        c.HZJW, "000703002000", "建设工程竣工验收备案",
        kind="filing", topics=["construction"], audience="enterprise", aliases=("竣工备案",),
        summary="建设单位自建设工程竣工验收合格之日起15日内，将竣工验收报告和有关文件报建设主管部门备案。",
        cond="建设工程已竣工验收合格。",
        bases=[c.reg("建设工程质量管理条例", "第四十九条"), c.rule("房屋建筑和市政基础设施工程竣工验收备案管理办法")],
        limit=(5, 1), visits=0, depth=4, scope="none", pop=1720, base_level="tiered",
        result=("竣工验收备案证明", "document"), delivery=("electronic",),
        mats=[c.mat("工程竣工验收备案表"), c.mat("工程竣工验收报告"),
              c.shared("规划、消防等专项验收意见", "市城乡建设委员会·工程建设项目审批信息"),
              c.mat("施工单位签署的工程质量保修书"), c.mat("住宅质量保证书和住宅使用说明书", cond="商品住宅工程的")],
    )
    b.item(
        c.JST, "000704001000", "建筑业企业资质核准（施工总承包二级）",
        kind="licensing", topics=["construction", "permits"], audience="enterprise", aliases=("建筑资质", "施工资质"),
        summary="建筑业企业申请施工总承包二级等省级权限资质，实行告知承诺和电子证书。",
        cond="企业净资产、注册建造师等人员、技术装备和工程业绩等符合建筑业企业资质标准。",
        bases=[c.law(BUILD_LAW, "第十三条"), c.rule("建筑业企业资质管理规定")],
        limit=(20, 10), visits=0, depth=4, scope="none", pop=1180, base_level="tiered",
        result=("建筑业企业资质证书", "license"), result_lic=c.LT_CONSTRUCT_QUAL,
        handling=(("首次申请", "new"), ("增项", "change"), ("延续", "renewal")),
        mats=[c.mat("建筑业企业资质申请表"), c.BIZ_LICENSE(), c.mat("企业净资产证明（财务审计报告）"),
              c.shared("注册建造师执业信息", "住房城乡建设部·全国建筑市场监管公共服务平台"),
              c.mat("告知承诺书")],
    )
    b.item(
        c.JST, "000704002000", "二级建造师执业资格注册",
        kind="licensing", topics=["construction", "employment"], aliases=("二建注册", "建造师注册"),
        summary="取得二级建造师资格证书的人员，受聘于建设工程相关单位后申请执业注册，颁发电子注册证书。",
        cond="取得二级建造师资格证书，受聘于一个具有工程设计、施工、监理等资质的单位，达到继续教育要求。",
        bases=[c.rule("注册建造师管理规定")],
        limit=(20, 5), visits=0, depth=4, scope="province", pop=4530,
        result=("二级建造师注册证书（电子证书）", "license"), delivery=("electronic",),
        handling=(("初始注册", "new"), ("变更注册", "change"), ("延续注册", "renewal"), ("注销注册", "cancellation")),
        mats=[c.ID_CARD(), c.mat("二级建造师资格证书"), c.shared("聘用单位社保缴费信息", c.RES_SOCIAL),
              c.mat("继续教育证明", handling=("03",))],
    )
    b.item(
        c.JST, "000704003000", "房地产开发企业资质核定（二级）",
        kind="licensing", topics=["construction"], audience="enterprise", aliases=("房地产开发资质",),
        summary="房地产开发企业申请二级资质核定。",
        cond="有符合规定数量的持有资格证书的专业管理人员；有健全的质量管理制度和商品住宅质量保证书、使用说明书制度。",
        bases=[c.law("中华人民共和国城市房地产管理法"), c.rule("房地产开发企业资质管理规定")],
        limit=(20, 10), visits=0, depth=4, scope="none", pop=420, base_level="tiered",
        result=("房地产开发企业资质证书", "license"),
        mats=[c.mat("房地产开发企业资质申报表"), c.BIZ_LICENSE(), c.mat("专业管理人员身份证明和资格证书"),
              c.mat("企业质量保证体系文件")],
    )
