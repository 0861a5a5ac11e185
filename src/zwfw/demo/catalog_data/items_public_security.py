"""公安: 户籍、居民身份证、出入境、车驾管、治安许可."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

ID_FEE_BASIS = "国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知（发改价格〔2003〕2322号）"
EXIT_FEE_BASIS = "国家发展改革委 财政部关于降低部分行政事业性收费标准的通知"
DRIVER_FEE_BASIS = "国家发展改革委 财政部关于公安交通管理收费标准及有关问题的通知"
ID_LAW = "中华人民共和国居民身份证法"
HUKOU_REG = "中华人民共和国户口登记条例"
DRIVER_RULE = "机动车驾驶证申领和使用规定（公安部令第162号）"
HUKOU_CONSULT = "户籍业务须由本人或监护人办理；迁入地和迁出地公安机关通过省际户口迁移网上审批系统传递信息"


def add(b: CatalogBuilder) -> None:
    _household(b)
    _exit_entry(b)
    _traffic(b)
    _public_order(b)


def _household(b: CatalogBuilder) -> None:
    b.item(
        c.HZGA, "000105001000", "居民身份证申领",
        kind="public_service", topics=["household"], aliases=("身份证办理", "身份证换领", "身份证补办", "办身份证"),
        summary="首次申领、有效期满换领、证件损坏换领和丢失补领第二代居民身份证；异地（跨省）换领、补领可在居住地办理。",
        cond="1. 具有本市常住户口的中国公民（未满十六周岁的可以申请，年满十六周岁的应当申请）；"
             "2. 换领：证件有效期满、姓名等登记项目变更或证件严重损坏不能辨认的；3. 补领：居民身份证丢失的。",
        bases=[c.law(ID_LAW, "第八条"), c.law(ID_LAW, "第十一条"), c.law(ID_LAW, "第十二条")],
        limit=(60, 15), legal_note="自提交《居民身份证申领登记表》之日起60日（自然日）内发放",
        promised_note="本市户籍15个工作日，异地办理20个工作日；急需的可申请临时居民身份证",
        fees=(c.fee("居民身份证工本费（首次申领、有效期满换领）", "20元/证", ID_FEE_BASIS),
              c.fee("居民身份证工本费（丢失补领、损坏换领）", "40元/证", ID_FEE_BASIS)),
        visits=1, depth=3, scope="cross_province", pop=98650,
        result=("中华人民共和国居民身份证", "license"), result_lic=c.LT_ID_CARD,
        handling=(("首次申领", "new"), ("有效期满换领", "renewal"), ("丢失补领", "reissue"), ("损坏换领", "other")),
        process=steps(("预约申请", "通过浙里办 APP 预约或直接到户籍窗口取号"),
                      ("采集信息", "窗口现场采集人像、指纹，核对户籍信息，填写《居民身份证申领登记表》"),
                      ("受理缴费", "现场缴纳工本费并领取受理回执"),
                      ("制证", "由公安机关统一制证"),
                      ("领证", "凭受理回执到窗口领取，或选择邮政寄递到家")),
        mats=[c.HUKOU(), c.mat("居民身份证申领登记表", form="id-card-application", notes="现场打印，申请人核对无误后签名"),
              c.mat("居民身份证相片", notes="窗口免费现场采集，或提交公安机关认可的照相馆出具的数码相片回执"),
              c.mat("原居民身份证", handling=("02", "04"), notes="换领时交回原证"),
              c.lic_mat("监护人居民身份证", c.LT_ID_CARD, cond="未满十六周岁公民申领的，由监护人陪同办理")],
    )
    b.item(
        c.HZGA, "000105002000", "临时居民身份证申领",
        kind="public_service", topics=["household"], aliases=("临时身份证",),
        summary="在申请领取、换领、补领居民身份证期间，急需使用居民身份证的，可申请临时居民身份证，有效期三个月。",
        cond="已申请领取、换领或补领居民身份证，在领取正式证件前急需使用身份证件的本市户籍居民。",
        bases=[c.law(ID_LAW), c.rule("临时居民身份证管理办法")],
        limit=(3, 0), fees=(c.fee("临时居民身份证工本费", "10元/证", ID_FEE_BASIS),),
        visits=1, depth=2, scope="city", pop=8620, result=("临时居民身份证", "license"),
        mats=[c.HUKOU(), c.mat("居民身份证申领受理回执", notes="申领、换领或补领居民身份证时领取的回执"),
              c.mat("本人近期免冠照片", notes="1张，白色背景，可窗口现场拍摄")],
    )
    b.item(
        c.HZGA, "000105010000", "出生登记",
        kind="public_service", topics=["birth", "household"], aliases=("新生儿落户", "报户口", "宝宝落户"),
        summary="新生儿出生后为其申报常住户口。已纳入“出生一件事”联办，与出生医学证明、预防接种证、医保参保、社保卡申领一次办。",
        cond="婴儿出生后，由户主、亲属、抚养人向婴儿常住地户口登记机关申报出生登记；随父或随母落户，父母一方为本市户籍。",
        bases=[c.reg(HUKOU_REG, "第七条"), c.local("浙江省常住户口登记管理规定")],
        limit=(20, 1), legal_note="法律法规未规定办结时限，按省公安厅户政工作规范执行",
        visits=0, depth=4, scope="province", pop=36210,
        result=("居民户口簿（户口登记信息）", "license"), result_lic=c.LT_HUKOU, delivery=("electronic", "express"),
        mats=[c.lic_mat("出生医学证明", c.LT_BIRTH), c.HUKOU(), c.ID_CARD(who="父母双方"),
              c.lic_mat("结婚证", c.LT_MARRIAGE, cond="父母已办理结婚登记的"),
              c.mat("非婚生育说明", cond="非婚生育的", notes="由申报人书面说明，并承诺所述属实")],
    )
    b.item(
        c.HZGA, "000105011000", "死亡人员户口注销",
        kind="public_service", topics=["funeral", "household"], aliases=("死亡注销户口", "销户"),
        summary="公民死亡后注销其常住户口。已纳入“身后一件事”，医疗机构出具死亡医学证明后信息自动推送，家属在线确认即可。",
        cond="本市常住户口人员死亡，由户主、亲属或抚养人申报注销户口；城市在葬前办理。",
        bases=[c.reg(HUKOU_REG, "第八条")],
        limit=(5, 0), visits=0, depth=4, scope="province", pop=9840,
        result=("户口注销证明", "other"), delivery=("electronic",),
        mats=[c.shared("居民死亡医学证明（推断）书", c.RES_DEATH), c.HUKOU(),
              c.ID_CARD(who="申报人"), c.mat("死者居民身份证", notes="能够提供的交回；丢失的由申报人书面说明")],
    )
    b.item(
        c.HZGA, "000105020001", "夫妻投靠迁入户口",
        kind="licensing", topics=["household", "marriage"], base_name="户口迁移（投靠类）",
        aliases=("夫妻投靠落户", "户口迁移"),
        summary="与本市户籍居民结婚的申请人，户口迁入配偶户籍所在地。省际迁移实行“一站式”办理，无需回迁出地开具准迁证。",
        cond="1. 双方已办理结婚登记，结婚满一定年限（按杭州市户籍管理规定）；2. 被投靠方在本市有合法固定住所并已落户；3. 申请人无违法犯罪记录。",
        bases=[c.reg(HUKOU_REG, "第十条"), c.norm("杭州市户籍准入登记规定")],
        limit=(20, 5), promised_note="省内迁移5个工作日；跨省“一站式”迁移7个工作日",
        visits=1, depth=3, scope="cross_province", pop=6120,
        result=("准予迁入证明（电子迁移信息）", "document"),
        mats=[c.ID_CARD(), c.HUKOU(), c.lic_mat("结婚证", c.LT_MARRIAGE), c.shared("被投靠方户籍信息", c.RES_HUKOU),
              c.shared("合法固定住所证明（不动产登记信息）", c.RES_PROPERTY),
              c.mat("户口迁移申请表", form="hukou-transfer-application")],
    )
    b.item(
        c.HZGA, "000105020002", "人才引进落户",
        kind="licensing", topics=["household", "employment"], base_name="户口迁移（人才引进类）",
        aliases=("人才落户", "大学生落户", "毕业生落户"),
        summary="全日制大学专科以上学历或具有技能等级证书的人才在杭就业创业，申请户口迁入。",
        cond="1. 具有全日制普通高校大学专科及以上学历，或具有相应职业资格、技能等级；2. 在杭州市区就业创业并缴纳社会保险；3. 符合杭州市人才落户条件。",
        bases=[c.reg(HUKOU_REG, "第十条"), c.norm("杭州市户籍准入登记规定")],
        limit=(20, 5), visits=0, depth=4, scope="cross_province", pop=15430,
        result=("准予迁入证明（电子迁移信息）", "document"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("学历学位信息", c.RES_EDU), c.shared("社会保险参保缴费信息", c.RES_SOCIAL),
              c.mat("劳动合同或就业证明", cond="在用人单位就业的"),
              c.BIZ_LICENSE(cond="自主创业的"),
              c.mat("户口迁移申请表", form="hukou-transfer-application")],
    )
    b.item(
        c.HZGA, "000105020003", "子女投靠父母迁入户口",
        kind="licensing", topics=["household", "birth"], base_name="户口迁移（投靠类）",
        aliases=("子女随迁落户",),
        summary="未成年子女或符合条件的成年未婚子女投靠本市户籍父母迁入户口。",
        cond="1. 父母一方为本市户籍；2. 被投靠的父母在本市有合法固定住所；3. 未成年子女，或符合规定的成年未婚子女。",
        bases=[c.reg(HUKOU_REG, "第十条"), c.norm("杭州市户籍准入登记规定")],
        limit=(20, 5), visits=1, depth=3, scope="cross_province", pop=4310, suffix="2",
        result=("准予迁入证明（电子迁移信息）", "document"),
        mats=[c.HUKOU(), c.lic_mat("出生医学证明", c.LT_BIRTH, cond="未成年子女申请的"),
              c.ID_CARD(who="父母"), c.shared("被投靠方户籍信息", c.RES_HUKOU),
              c.mat("户口迁移申请表", form="hukou-transfer-application")],
    )
    b.item(
        c.HZGA, "000105030000", "无犯罪记录证明开具",
        kind="public_service", topics=["household", "employment"], aliases=("无犯罪证明", "良民证"),
        summary="为个人出具有无犯罪记录的证明，可在浙里办全程网办，电子证明可在线核验。",
        cond="中国公民因就业、入学、出国等需要，可申请查询本人的犯罪记录并出具证明。",
        bases=[c.norm("公安机关办理犯罪记录查询工作规定")],
        limit=(7, 3), promised_note="本省户籍3个工作日，非本省户籍在杭居住人员7个工作日",
        visits=0, depth=4, scope="cross_province", pop=27760,
        result=("无犯罪记录证明", "other"),
        mats=[c.ID_CARD(), c.mat("查询用途说明", notes="在线填写，如就业、出国、入学等")],
    )
    b.item(
        c.HZGA, "000105040000", "居住证申领",
        kind="public_service", topics=["household", "housing"], aliases=("浙江省居住证", "暂住证"),
        summary="离开常住户口所在地到杭州居住半年以上，符合合法稳定就业、合法稳定住所、连续就读条件之一的，可申领居住证。",
        cond="已在居住地办理居住登记满半年，且符合合法稳定就业、合法稳定住所或连续就读条件之一。",
        bases=[c.reg("居住证暂行条例（国务院令第663号）"), c.local("浙江省流动人口居住登记条例")],
        limit=(15, 7), visits=1, depth=3, scope="province", pop=21400,
        result=("浙江省居住证", "license"),
        mats=[c.ID_CARD(), c.mat("本人近期免冠照片", notes="可在窗口现场采集"),
              c.shared("居住登记信息", "省公安厅·流动人口居住登记信息"),
              c.mat("房屋租赁合同", cond="租赁住房居住的", copy=1, orig=0),
              c.shared("社会保险参保缴费信息", c.RES_SOCIAL, cond="以就业条件申领的"),
              c.mat("在读证明", cond="以连续就读条件申领的")],
    )
    b.item(
        c.HZGA, "000105050000", "户口登记项目变更更正（姓名变更）",
        kind="confirmation", topics=["household"], aliases=("改名字", "姓名变更"),
        summary="本市户籍居民变更姓名的户口登记项目变更。",
        cond="未满十八周岁的由本人或父母、收养人申请；年满十八周岁的由本人申请，并具有正当理由。",
        bases=[c.reg(HUKOU_REG, "第十八条")],
        limit=(20, 10), visits=1, depth=2, scope="none", pop=2180,
        result=("变更后的户口登记信息", "other"),
        mats=[c.ID_CARD(), c.HUKOU(), c.mat("变更姓名申请书", form="name-change-application"),
              c.mat("变更理由相关证明", notes="如学历、婚姻等相关证明材料")],
    )


def _exit_entry(b: CatalogBuilder) -> None:
    crj_photo = c.mat("出入境证件照片", notes="窗口免费现场采集，无需自带照片")
    crj_form = c.mat("中国公民出入境证件申请表", form="exit-entry-application", notes="可现场自助填表或在移民局APP预填")
    b.item(
        c.HZCRJ, "000122001000", "普通护照签发",
        kind="licensing", topics=["exit-entry"], aliases=("办护照", "护照办理", "护照换发", "护照补发"),
        summary="中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国，申请普通护照；全国通办，可在杭州任一出入境窗口办理。",
        cond="持有居民身份证的中国公民；登记备案的国家工作人员须经所在单位同意；不属于《护照法》第十三条规定不予签发的情形。",
        bases=[c.law("中华人民共和国护照法", "第五条"), c.law("中华人民共和国护照法", "第六条"),
               c.law("中华人民共和国出境入境管理法")],
        limit=(15, 7), legal_note="自收到申请材料之日起15日内签发", promised_note="7个工作日制证，可选择邮寄送达",
        fees=(c.fee("普通护照工本费", "120元/本", EXIT_FEE_BASIS),),
        visits=1, depth=3, scope="nationwide", pop=42380,
        result=("中华人民共和国普通护照", "license"), result_lic=c.LT_PASSPORT,
        handling=(("首次申请", "new"), ("换发", "renewal"), ("补发", "reissue"), ("加注", "other")),
        process=steps(("预约", "通过国家移民管理局政务服务平台或浙里办预约（可不预约直接办理）"),
                      ("受理", "现场采集照片、指纹，核验身份，缴纳费用"),
                      ("审批", "出入境管理机构审核"), ("制证", "统一制作证件"),
                      ("领取", "窗口领取、自助机领取或邮政速递送达")),
        mats=[c.ID_CARD(), crj_photo, crj_form,
              c.mat("原护照", handling=("02", "04"), notes="换发或加注时提交"),
              c.mat("本人所属单位或上级主管单位出具的出国（境）证件申请审批意见", cond="属于登记备案的国家工作人员的"),
              c.lic_mat("监护人居民身份证", c.LT_ID_CARD, cond="未满十六周岁的由监护人陪同申请")],
    )
    b.item(
        c.HZCRJ, "000122002000", "往来港澳通行证签发",
        kind="licensing", topics=["exit-entry"], aliases=("港澳通行证", "港澳通行证办理"),
        summary="内地居民前往香港、澳门旅游、探亲、商务等，申领电子往来港澳通行证（卡式）。",
        cond="持有居民身份证的内地居民；登记备案的国家工作人员须经所在单位同意。",
        bases=[c.reg("中国公民因私事往来香港地区或者澳门地区的暂行管理办法"),
               c.law("中华人民共和国出境入境管理法")],
        limit=(15, 7), fees=(c.fee("往来港澳通行证工本费（卡式）", "60元/证", EXIT_FEE_BASIS),
                             c.fee("往来港澳签注费", "一次有效15元/件，二次有效30元/件", EXIT_FEE_BASIS)),
        visits=1, depth=3, scope="nationwide", pop=38900,
        result=("往来港澳通行证", "license"), result_lic=c.LT_HK_MACAO,
        handling=(("首次申请", "new"), ("换发", "renewal"), ("补发", "reissue")),
        mats=[c.ID_CARD(), crj_photo, crj_form, c.mat("原往来港澳通行证", handling=("02",))],
    )
    b.item(
        c.HZCRJ, "000122003000", "往来港澳通行证再次签注",
        kind="licensing", topics=["exit-entry"], aliases=("港澳签注", "港澳自助签注", "港澳续签"),
        summary="持有效电子往来港澳通行证的，可在自助签注机即时办理个人旅游、探亲等再次签注。",
        cond="持有有效期内的电子往来港澳通行证，且证件有效期足够签注期限。",
        bases=[c.reg("中国公民因私事往来香港地区或者澳门地区的暂行管理办法")],
        limit=(15, 0), promised_note="自助签注机即时办结", fees=(c.fee("往来港澳签注费", "一次有效15元/件，二次有效30元/件", EXIT_FEE_BASIS),),
        visits=1, depth=3, scope="nationwide", pop=30410, delivery=("window",), channels=("terminal", "window"),
        places=[c.place("杭州市出入境自助签注点（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_WEEKEND)],
        result=("往来港澳签注", "license"),
        mats=[c.mat("有效电子往来港澳通行证"), c.ID_CARD()],
    )
    b.item(
        c.HZCRJ, "000122010000", "出入境记录查询",
        kind="public_service", topics=["exit-entry"], aliases=("出入境记录证明",),
        summary="本人查询出入境记录，在线申请，电子查询结果可下载打印。",
        cond="中国公民查询本人出入境记录；委托他人查询的须提交委托书。",
        bases=[c.law("中华人民共和国出境入境管理法")],
        limit=(5, 1), visits=0, depth=4, scope="nationwide", pop=5630,
        result=("出入境记录查询结果", "other"),
        mats=[c.ID_CARD(), *c.AGENT_MATS],
    )


def _traffic(b: CatalogBuilder) -> None:
    exam = c.shared("机动车驾驶人身体条件证明", "省卫生健康委·机动车驾驶人电子体检信息",
                    notes="在具备资质的医疗机构体检后，体检结果电子化上传，无需提交纸质证明")
    b.item(
        c.HZJJ, "000108001000", "机动车驾驶证有效期满换证",
        kind="licensing", topics=["traffic"], aliases=("驾驶证换证", "驾照换证", "驾照到期"),
        summary="机动车驾驶证有效期满前九十日内申请换证；通过“交管12123”APP 全程网办，新证邮寄到家，可在全国任一车管所办理。",
        cond="机动车驾驶证有效期满前九十日内；身体条件符合驾驶许可条件。",
        bases=[c.law("中华人民共和国道路交通安全法", "第十九条"), c.rule(DRIVER_RULE)],
        limit=(1, 1), legal_note="车辆管理所应当自受理之日起1日内核发", fees=(c.fee("机动车驾驶证工本费", "10元/证", DRIVER_FEE_BASIS),),
        visits=0, depth=4, scope="nationwide", pop=52700,
        result=("中华人民共和国机动车驾驶证", "license"), result_lic=c.LT_DRIVER,
        mats=[c.ID_CARD(), exam, c.lic_mat("机动车驾驶证", c.LT_DRIVER),
              c.mat("驾驶证照片", notes="上传符合要求的电子照片或数码照片回执")],
    )
    b.item(
        c.HZJJ, "000108002000", "机动车驾驶证补证",
        kind="licensing", topics=["traffic"], aliases=("驾驶证补办", "驾照丢了"),
        summary="机动车驾驶证遗失的，可通过“交管12123”申请补领，新证邮寄送达。",
        cond="机动车驾驶证遗失，且驾驶证未被扣押、注销或处于暂扣状态。",
        bases=[c.law("中华人民共和国道路交通安全法", "第十九条"), c.rule(DRIVER_RULE)],
        limit=(1, 1), fees=(c.fee("机动车驾驶证工本费", "10元/证", DRIVER_FEE_BASIS),),
        visits=0, depth=4, scope="nationwide", pop=18200,
        result=("中华人民共和国机动车驾驶证", "license"), result_lic=c.LT_DRIVER,
        mats=[c.ID_CARD(), c.mat("驾驶证照片", notes="上传符合要求的电子照片")],
    )
    b.item(
        c.HZJJ, "000108003000", "机动车驾驶证延期换证",
        kind="licensing", topics=["traffic"], aliases=("驾驶证延期",),
        summary="因服兵役、出国（境）等原因无法在驾驶证有效期满前换证的，可以申请延期换证，延期期限最长不超过三年。",
        cond="因服兵役、出国（境）等原因，无法在驾驶证有效期满前九十日内换证的。",
        bases=[c.rule(DRIVER_RULE)],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=3540,
        result=("延期换证备案结果", "other"),
        mats=[c.ID_CARD(), c.lic_mat("机动车驾驶证", c.LT_DRIVER),
              c.mat("延期事由证明", notes="如出国（境）证明、服兵役证明等")],
    )
    b.item(
        c.HZJJ, "000108010000", "机动车检验合格标志核发（免检车辆）",
        kind="licensing", topics=["traffic"], aliases=("年检", "免检车辆领标", "电子检验标志"),
        summary="非营运小型、微型载客汽车在规定免检期内，无需上线检验，在线申领电子检验合格标志。",
        cond="符合免检条件的非营运小微型载客汽车和摩托车；机动车涉及的交通事故和违法行为已处理完毕。",
        bases=[c.law("中华人民共和国道路交通安全法", "第十三条"), c.rule("机动车登记规定（公安部令第164号）")],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=46120,
        result=("机动车检验合格标志（电子）", "license"), delivery=("electronic",),
        mats=[c.lic_mat("机动车行驶证", c.LT_VEHICLE),
              c.shared("机动车交通事故责任强制保险信息", "国家金融监督管理总局·交强险保单信息")],
    )
    b.item(
        c.HZJJ, "000108020000", "机动车驾驶人联系方式变更备案",
        kind="filing", topics=["traffic"], aliases=("驾驶证手机号变更",),
        summary="驾驶人联系电话、联系地址变更后在线备案。",
        cond="已取得机动车驾驶证，联系方式发生变化的驾驶人。",
        bases=[c.rule(DRIVER_RULE)],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=2810,
        result=("备案结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD()],
    )


def _public_order(b: CatalogBuilder) -> None:
    b.item(
        c.HZGA, "000110001000", "旅馆业特种行业许可证核发",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("旅馆特行许可", "民宿治安许可"),
        summary="开办旅馆（含宾馆、招待所、民宿等）申领特种行业许可证。",
        cond="1. 房屋建筑、消防设备、出入口和通道符合治安、消防要求；2. 配备旅客住宿登记系统和视频监控；3. 有健全的安全管理制度。",
        bases=[c.rule("旅馆业治安管理办法", "第四条")],
        limit=(20, 5), visits=1, depth=3, scope="none", pop=1290,
        result=("特种行业许可证", "license"),
        mats=[c.BIZ_LICENSE(), *c.LEGAL_REP_MATS, c.mat("旅馆业特种行业许可申请表", form="hotel-permit-application"),
              c.mat("经营场所平面图和消防设施分布图", copy=1, orig=0),
              c.mat("治安保卫制度和安全管理人员名单")],
    )
    b.item(
        c.HZGA, "000110002000", "公章刻制备案",
        kind="filing", topics=["business-start"], audience="enterprise", aliases=("刻章", "公章备案"),
        summary="企业开办时刻制公章，纳入企业开办“一件事”，营业执照办理后在线选择刻章企业，印章信息自动备案。",
        cond="依法登记的企业、个体工商户、社会组织等需刻制公章的单位。",
        bases=[c.rule("印铸刻字业暂行管理规则")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=24300,
        result=("印章备案信息", "other"), delivery=("electronic", "express"),
        mats=[c.BIZ_LICENSE(), c.lic_mat("法定代表人居民身份证", c.LT_ID_CARD)],
    )
    b.item(
        c.GAT, "000110010000", "保安服务公司设立许可",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("保安公司许可",),
        summary="申请设立保安服务公司，由设区的市级公安机关初审后报省公安厅审批。",
        cond="1. 有不低于人民币100万元的注册资本；2. 拟任的保安服务公司法定代表人和主要管理人员具备任职条件；"
             "3. 有与所提供的保安服务相适应的专业技术人员；4. 有住所和提供保安服务所需的设施、装备；5. 有健全的组织机构和保安服务管理制度。",
        bases=[c.reg("保安服务管理条例（国务院令第564号）")],
        limit=(20, 10), legal_note="由设区的市级公安机关受理、初审，省公安厅作出决定；初审时间另计",
        visits=1, depth=3, scope="none", pop=320,
        result=("保安服务许可证", "license"), level="provincial",
        mats=[c.mat("保安服务公司设立申请书", form="security-company-application"), c.BIZ_LICENSE(),
              c.mat("拟任法定代表人和主要管理人员的履历及资格证明"), c.mat("保安服务管理制度和岗位责任制度"),
              c.mat("住所和设施、装备证明材料")],
    )
