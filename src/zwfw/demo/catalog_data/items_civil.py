"""民政 (婚姻、救助、养老、殡葬、社会组织)、退役军人、残联、司法行政."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

CIVIL_CODE = "中华人民共和国民法典"
MARRIAGE_REG = "婚姻登记条例"
RELIEF_REG = "社会救助暂行办法（国务院令第649号）"
SUBSIDY_DOC = "国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）"


def add(b: CatalogBuilder) -> None:
    _marriage(b)
    _relief(b)
    _veterans(b)
    _disability(b)
    _justice(b)


def _marriage(b: CatalogBuilder) -> None:
    b.parent_base("000201001000", "婚姻登记", kind="confirmation", level="county",
                  bases=[c.law(CIVIL_CODE, "第一千零四十九条"), c.reg(MARRIAGE_REG)], limit=30)
    photo = c.mat("2张2寸近期半身免冠合影照片", notes="红色背景，可在婚姻登记处现场拍摄")
    b.item(
        c.HZMZ, "000201001001", "内地居民结婚登记",
        kind="confirmation", topics=["marriage"], parent="000201001000",
        aliases=("结婚登记", "领结婚证", "婚姻登记"),
        summary="内地居民男女双方自愿结婚，共同到婚姻登记机关申请结婚登记，符合条件的当场登记、发给结婚证。可通过浙里办预约，支持颁证服务。",
        cond="1. 男女双方完全自愿；2. 男年满二十二周岁，女年满二十周岁；3. 双方均无配偶；4. 双方没有直系血亲和三代以内旁系血亲关系；5. 双方亲自到场。",
        bases=[c.law(CIVIL_CODE, "第一千零四十六条"), c.law(CIVIL_CODE, "第一千零四十七条"),
               c.law(CIVIL_CODE, "第一千零四十九条"), c.reg(MARRIAGE_REG)],
        limit=(0, 0), legal_note="符合结婚条件的，当场予以登记，发给结婚证", base_level="county",
        visits=1, depth=2, scope="cross_province", pop=31250,
        result=("结婚证", "license"), result_lic=c.LT_MARRIAGE, delivery=("window",),
        process=steps(("预约", "通过浙里办“婚姻登记预约”选择登记处和时段（也可现场取号）"),
                      ("申请", "双方持证件亲自到场，现场填写《申请结婚登记声明书》并签名"),
                      ("审查", "登记员核验身份，询问双方结婚意愿"),
                      ("登记颁证", "符合条件的当场登记，双方在登记审查处理表上签名，领取结婚证")),
        mats=[c.ID_CARD(who="男女双方"), photo,
              c.mat("申请结婚登记声明书", form="marriage-declaration", notes="双方各一份，在登记员面前签名"),
              c.mat("离婚证或离婚判决书、调解书", cond="办理过离婚登记或经法院判决、调解离婚的"),
              c.lic_mat("离婚证", c.LT_DIVORCE, cond="办理过离婚登记且已归集电子证照的")],
    )
    b.item(
        c.HZMZ, "000201001002", "内地居民离婚登记",
        kind="confirmation", topics=["marriage"], parent="000201001000",
        aliases=("离婚登记", "协议离婚"),
        summary="夫妻双方自愿离婚并对子女抚养、财产及债务处理协商一致的，共同申请离婚登记；自收到申请之日起三十日为离婚冷静期。",
        cond="1. 双方自愿离婚；2. 签订书面离婚协议，对子女抚养、财产以及债务处理等事项协商一致；3. 双方亲自到场；4. 在本登记机关或其他婚姻登记机关办理过结婚登记。",
        bases=[c.law(CIVIL_CODE, "第一千零七十六条"), c.law(CIVIL_CODE, "第一千零七十七条"), c.reg(MARRIAGE_REG)],
        limit=(0, 0), legal_note="离婚冷静期30日；期满后30日内双方亲自到场申请发给离婚证，符合条件的当场登记",
        promised_note="冷静期届满后双方到场当日办结",
        visits=2, depth=2, scope="cross_province", pop=9870,
        result=("离婚证", "license"), result_lic=c.LT_DIVORCE, delivery=("window",),
        process=steps(("申请", "双方持证件和离婚协议到婚姻登记机关提交离婚登记申请，填写《离婚登记申请书》"),
                      ("受理", "材料齐全的予以受理，发给《离婚登记申请受理回执单》"),
                      ("冷静期", "自受理之日起30日内任何一方不愿离婚的，可撤回申请"),
                      ("审查登记", "冷静期届满后30日内，双方亲自到场申请发给离婚证，符合条件的当场登记")),
        mats=[c.ID_CARD(who="男女双方"), c.lic_mat("结婚证", c.LT_MARRIAGE),
              c.mat("离婚协议书", orig=3, notes="双方签名，载明自愿离婚意思表示及子女抚养、财产和债务处理意见"),
              c.mat("离婚登记申请书", form="divorce-application"),
              c.mat("2张2寸近期半身免冠单人照片", notes="各2张")],
    )
    b.item(
        c.HZMZ, "000201001003", "补领婚姻登记证",
        kind="confirmation", topics=["marriage"], parent="000201001000",
        aliases=("补领结婚证", "补办结婚证", "补领离婚证"),
        summary="结婚证、离婚证遗失或者损毁的，当事人可以持证件向原登记机关或户籍地婚姻登记机关申请补领。",
        cond="1. 婚姻登记档案保存完整；2. 当事人亲自到场（补领结婚证的可一方到场）。",
        bases=[c.reg(MARRIAGE_REG)],
        limit=(30, 0), promised_note="档案齐全的当场补发", visits=1, depth=2, scope="province", pop=4120,
        result=("结婚证或离婚证", "license"), delivery=("window",),
        handling=(("补领结婚证", "reissue"), ("补领离婚证", "reissue")),
        mats=[c.ID_CARD(), c.mat("申请补领婚姻登记证声明书", form="marriage-cert-reissue"),
              c.mat("近期半身免冠照片", notes="补领结婚证的提交双方2寸合影照片2张；补领离婚证的提交本人2寸照片2张")],
    )
    b.item(
        c.HZMZ, "000201002000", "婚姻登记档案查询",
        kind="public_service", topics=["marriage"], aliases=("婚姻状况证明", "婚姻记录查询"),
        summary="当事人查询本人婚姻登记档案，在线申请，电子查询结果可下载。",
        cond="婚姻当事人本人，或持有法院、公证机构等出具的有效证明的利害关系人。",
        bases=[c.rule("婚姻登记档案管理办法")],
        limit=(5, 1), visits=0, depth=4, scope="province", pop=7830,
        result=("婚姻登记档案查询结果", "other"),
        mats=[c.ID_CARD(), c.shared("婚姻登记信息", c.RES_MARRIAGE)],
    )
    b.item(
        c.HZMZ, "000201010000", "收养登记",
        kind="confirmation", topics=["birth"], aliases=("收养孩子", "领养登记"),
        summary="收养关系自登记之日起成立。收养人和送养人共同到被收养人常住户口所在地的民政部门办理。",
        cond="1. 收养人无子女或者只有一名子女；2. 有抚养、教育和保护被收养人的能力；3. 未患有在医学上认为不应当收养子女的疾病；"
             "4. 无不利于被收养人健康成长的违法犯罪记录；5. 年满三十周岁。",
        bases=[c.law(CIVIL_CODE, "第一千零九十八条"), c.law(CIVIL_CODE, "第一千一百零五条"),
               c.rule("中国公民收养子女登记办法")],
        limit=(30, 20), legal_note="收到收养登记申请书及有关材料后，自次日起30日内审查", visits=2, depth=2, scope="none", pop=210,
        result=("收养登记证", "license"),
        mats=[c.ID_CARD(who="收养人"), c.HUKOU(), c.mat("收养申请书", form="adoption-application"),
              c.mat("收养人婚姻状况、有无子女和抚养教育被收养人能力等情况的证明"),
              c.mat("县级以上医疗机构出具的未患有在医学上认为不应当收养子女的疾病的身体健康检查证明"),
              c.lic_mat("结婚证", c.LT_MARRIAGE, cond="收养人有配偶的")],
    )


def _relief(b: CatalogBuilder) -> None:
    b.item(
        c.HZMZ, "000202001000", "最低生活保障审核确认",
        kind="payment", topics=["social-security"], aliases=("低保申请", "低保"),
        summary="共同生活的家庭成员人均收入低于当地最低生活保障标准、且财产状况符合规定的家庭，可申请最低生活保障。",
        cond="1. 家庭成员中至少一人具有本市户籍；2. 共同生活家庭成员人均月收入低于杭州市最低生活保障标准；3. 家庭财产状况符合规定。",
        bases=[c.reg(RELIEF_REG, "第九条"), c.reg(RELIEF_REG, "第十一条"), c.norm("最低生活保障审核确认办法")],
        limit=(30, 20), legal_note="入户调查、家庭经济状况核对时间计入", visits=1, depth=3, scope="province", pop=3960,
        result=("最低生活保障金领取证明", "document"), delivery=("window", "electronic"),
        mats=[c.ID_CARD(), c.HUKOU(), c.mat("最低生活保障申请书", form="subsistence-application"),
              c.mat("家庭经济状况核对授权书", notes="共同生活家庭成员签名授权核对收入、财产"),
              c.shared("家庭成员社保、公积金、不动产、车辆、存款等经济状况核对信息", "省民政厅·居民家庭经济状况核对信息"),
              c.lic_mat("残疾人证", c.LT_DISABILITY, cond="家庭成员中有残疾人的")],
    )
    b.item(
        c.HZMZ, "000202002000", "特困人员救助供养审核确认",
        kind="payment", topics=["social-security", "retirement"], aliases=("特困供养", "五保"),
        summary="对无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其义务人无履行能力的老年人、残疾人以及未成年人给予救助供养。",
        cond="同时具备无劳动能力、无生活来源、无法定赡养抚养扶养义务人（或其无履行义务能力）三个条件的本市户籍老年人、残疾人和未满十八周岁的未成年人。",
        bases=[c.reg(RELIEF_REG, "第十四条"), c.reg(RELIEF_REG, "第十六条")],
        limit=(30, 20), visits=1, depth=3, scope="province", pop=620,
        result=("特困人员救助供养证明", "document"),
        mats=[c.ID_CARD(), c.HUKOU(), c.mat("特困人员救助供养申请书", form="destitute-application"),
              c.shared("家庭经济状况核对信息", "省民政厅·居民家庭经济状况核对信息"),
              c.lic_mat("残疾人证", c.LT_DISABILITY, cond="申请人为残疾人的")],
    )
    b.item(
        c.HZMZ, "000202003000", "临时救助",
        kind="payment", topics=["social-security"], aliases=("临时救助金",),
        summary="对遭遇突发性、紧迫性、临时性困难导致基本生活陷入困境的家庭或个人给予临时救助；情况紧急的先行救助。",
        cond="因火灾、交通事故等意外事件，家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
        bases=[c.reg(RELIEF_REG, "第四十七条")],
        limit=(15, 7), promised_note="紧急情况先行救助，事后补齐手续", visits=1, depth=3, scope="province", pop=1320,
        result=("临时救助金", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("临时救助申请书"), c.mat("困难情况证明材料", notes="如医疗费用票据、事故证明等")],
    )
    b.item(
        c.HZMZ, "000202010000", "困难残疾人生活补贴和重度残疾人护理补贴",
        kind="payment", topics=["disability", "social-security"], aliases=("残疾人两项补贴", "护理补贴"),
        summary="对低保家庭中的残疾人发放生活补贴，对残疾等级为一级、二级且需要长期照护的重度残疾人发放护理补贴；全国跨省通办。",
        cond="1. 生活补贴：最低生活保障家庭、低保边缘家庭中的持证残疾人；2. 护理补贴：残疾等级为一、二级且需要长期照护的持证重度残疾人。",
        bases=[c.norm(SUBSIDY_DOC)],
        limit=(20, 10), visits=0, depth=4, scope="cross_province", pop=5120,
        result=("补贴发放", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.lic_mat("残疾人证", c.LT_DISABILITY), c.shared("最低生活保障对象信息", c.RES_SUBSIST),
              c.mat("银行账户信息", notes="优先使用社会保障卡金融账户")],
    )
    b.item(
        c.HZMZ, "000203001000", "高龄津贴发放",
        kind="payment", topics=["retirement"], aliases=("高龄补贴", "老人补贴"),
        summary="对年满80周岁的本市户籍老年人按月发放高龄津贴，系统比对户籍信息后主动推送，老人或家属在线确认。",
        cond="具有本市户籍、年满80周岁的老年人。",
        bases=[c.law("中华人民共和国老年人权益保障法"), c.norm("杭州市高龄津贴发放办法")],
        limit=(20, 5), visits=0, depth=4, scope="city", pop=11800,
        result=("高龄津贴", "other"), delivery=("electronic",),
        mats=[c.shared("户籍信息", c.RES_HUKOU), c.lic_mat("社会保障卡", c.LT_SSC, notes="津贴发放至社会保障卡金融账户")],
    )
    b.item(
        c.HZMZ, "000203002000", "经济困难老年人养老服务补贴",
        kind="payment", topics=["retirement"], aliases=("居家养老补贴",),
        summary="对经济困难、失能失智的老年人发放居家养老服务补贴，可用于购买助餐、助浴、助医等服务。",
        cond="本市户籍60周岁以上，属于低保、低边或特困家庭，经能力评估为失能、部分失能的老年人。",
        bases=[c.law("中华人民共和国老年人权益保障法"), c.local("浙江省社会养老服务促进条例")],
        limit=(20, 10), visits=1, depth=3, scope="city", pop=2340,
        result=("养老服务补贴", "other"),
        mats=[c.ID_CARD(), c.shared("最低生活保障对象信息", c.RES_SUBSIST),
              c.issued("老年人能力评估报告", "杭州市老年人能力评估机构"),
              c.mat("养老服务补贴申请表", form="elderly-care-subsidy")],
    )
    b.item(
        c.HZMZ, "000204001000", "惠民殡葬基本服务费用减免",
        kind="payment", topics=["funeral"], aliases=("殡葬费减免", "丧葬减免"),
        summary="对本市户籍居民去世后的遗体接运、暂存、火化、骨灰寄存等基本殡葬服务费用予以减免，纳入“身后一件事”在殡仪馆直接结算。",
        cond="本市户籍居民死亡，遗体在本市殡仪馆火化。",
        bases=[c.reg("殡葬管理条例"), c.norm("杭州市惠民殡葬政策实施办法")],
        limit=(5, 0), visits=0, depth=4, scope="city", pop=6210,
        result=("费用减免结算", "other"), delivery=("electronic",),
        mats=[c.shared("居民死亡医学证明（推断）书", c.RES_DEATH), c.ID_CARD(who="经办亲属")],
    )
    b.item(
        c.MZT, "000205001000", "社会团体成立登记",
        kind="licensing", topics=["social-org"], audience="enterprise", aliases=("成立协会", "社团登记"),
        summary="省级社会团体经业务主管单位审查同意后，向省民政厅申请成立登记。",
        cond="1. 有50个以上个人会员或30个以上单位会员；2. 有规范的名称和相应的组织机构；3. 有固定的住所；"
             "4. 有与其业务活动相适应的专职工作人员；5. 有合法的资产和经费来源，全省性社会团体有3万元以上活动资金。",
        bases=[c.reg("社会团体登记管理条例")],
        limit=(30, 20), visits=1, depth=3, scope="none", pop=260,
        result=("社会团体法人登记证书", "license"),
        mats=[c.mat("社会团体成立登记申请书", form="social-org-application"), c.mat("业务主管单位的批准文件"),
              c.mat("验资报告"), c.mat("住所使用权证明"), c.mat("章程草案"),
              c.mat("拟任负责人基本情况和身份证明")],
    )
    b.item(
        c.MZT, "000205002000", "民办非企业单位成立登记",
        kind="licensing", topics=["social-org"], audience="enterprise", aliases=("社会服务机构登记",),
        summary="举办民办非企业单位（社会服务机构）向登记管理机关申请成立登记。",
        cond="1. 经业务主管单位审查同意；2. 有规范的名称、必要的组织机构；3. 有与其业务活动相适应的从业人员；4. 有合法财产和必要的场所。",
        bases=[c.reg("民办非企业单位登记管理暂行条例")],
        limit=(60, 20), visits=1, depth=3, scope="none", pop=180,
        result=("民办非企业单位（法人）登记证书", "license"),
        mats=[c.mat("民办非企业单位成立登记申请书"), c.mat("业务主管单位的批准文件"), c.mat("场所使用权证明"),
              c.mat("验资报告"), c.mat("章程草案")],
    )


def _veterans(b: CatalogBuilder) -> None:
    b.item(
        c.HZTY, "001301001000", "退役军人、其他优抚对象优待证申领",
        kind="public_service", topics=["veterans"], aliases=("优待证", "退役军人优待证"),
        summary="为退役军人和烈属、因公牺牲军人遗属、病故军人遗属等其他优抚对象制发优待证，凭证享受交通、文旅等优待。",
        cond="已办理退役军人信息采集的退役军人，以及烈士遗属、因公牺牲军人遗属、病故军人遗属。",
        bases=[c.law("中华人民共和国退役军人保障法"), c.norm("退役军人、其他优抚对象优待证管理办法（试行）")],
        limit=(60, 30), promised_note="集中制证，约30个工作日，由服务站通知领取", visits=1, depth=3, scope="province", pop=8840,
        result=("中华人民共和国退役军人优待证", "license"), result_lic=c.LT_VETERAN_CARD,
        mats=[c.ID_CARD(), c.shared("退役军人信息", c.RES_VETERAN),
              c.mat("本人近期正面免冠彩色电子照片", notes="在线上传，白色背景"),
              c.mat("优待证申领表", form="veteran-card-application")],
    )
    b.item(
        c.HZTY, "001302001000", "自主就业退役士兵一次性经济补助金给付",
        kind="payment", topics=["veterans", "employment"], aliases=("退役补助金", "一次性补助"),
        summary="对选择自主就业的退役士兵，由安置地人民政府发放一次性经济补助金。",
        cond="退出现役时选择自主就业，并在规定时间内到安置地退役军人事务部门报到的退役士兵。",
        bases=[c.law("中华人民共和国退役军人保障法"), c.reg("退役士兵安置条例")],
        limit=(30, 15), visits=0, depth=4, scope="city", pop=530,
        result=("一次性经济补助金", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("退役军人信息", c.RES_VETERAN), c.mat("自主就业退役士兵报到登记表")],
    )
    b.item(
        c.TYT, "001303001000", "退役军人伤残等级评定（调整）",
        kind="confirmation", topics=["veterans", "disability"], aliases=("残疾军人评残",),
        summary="退役军人因战、因公致残未评定等级或残情加重的，申请评定或调整残疾等级。",
        cond="1. 退役军人在服役期间因战、因公致残，退役时未评定残疾等级的；2. 已评定残疾等级，因原致残部位残疾情况变化与原评定等级明显不符的。",
        bases=[c.reg("军人抚恤优待条例"), c.rule("伤残抚恤管理办法")],
        limit=(60, 45), legal_note="医疗卫生专家小组鉴定时间不计入", visits=2, depth=2, scope="none", pop=190, level="provincial",
        result=("伤残人员证件", "license"),
        mats=[c.ID_CARD(), c.mat("伤残等级评定申请表"), c.mat("服役期间致残的原始医疗诊断证明"),
              c.issued("医疗卫生专家小组出具的残情医学鉴定意见", "省退役军人事务厅指定的鉴定医院")],
    )


def _disability(b: CatalogBuilder) -> None:
    b.item(
        c.HZCL, "001401001000", "残疾人证新办",
        kind="public_service", topics=["disability"], aliases=("办残疾证", "残疾证"),
        summary="视力、听力、言语、肢体、智力、精神残疾人及多重残疾人申请办理第三代智能化残疾人证；可跨省通办。",
        cond="符合《残疾人残疾分类和分级》标准的本市户籍或持本市居住证的残疾人。",
        bases=[c.law("中华人民共和国残疾人保障法"), c.norm("中华人民共和国残疾人证管理办法")],
        limit=(30, 15), legal_note="残疾评定时间不计入办理时限", visits=1, depth=3, scope="cross_province", pop=4380,
        result=("中华人民共和国残疾人证", "license"), result_lic=c.LT_DISABILITY,
        handling=(("新办", "new"), ("换领", "renewal"), ("迁移", "change"), ("补办", "reissue"), ("注销", "cancellation")),
        process=steps(("申请", "在浙里办或社区（村）、乡镇（街道）残疾人服务窗口提交申请"),
                      ("评定", "到县级残联指定的评残医疗机构进行残疾评定"),
                      ("审核", "县级残联审核评定结果"), ("发证", "审核通过后制证并发放")),
        mats=[c.ID_CARD(), c.HUKOU(), c.mat("残疾人证申请表", form="disability-card-application"),
              c.mat("近期2寸免冠白底彩色照片", notes="3张；可上传电子照片"),
              c.issued("残疾评定表", "县级残联指定的评残医疗机构", handling=("01", "02")),
              c.lic_mat("原残疾人证", c.LT_DISABILITY, handling=("02", "03", "05")),
              c.mat("居住证", cond="非本市户籍持居住证申请的")],
    )
    b.item(
        c.CL, "001402001000", "残疾人机动轮椅车燃油补贴",
        kind="payment", topics=["disability", "traffic"], aliases=("残疾人燃油补贴",),
        summary="对符合条件的下肢残疾人使用机动轮椅车给予燃油补贴。",
        cond="持有第三代残疾人证的下肢残疾人，本人拥有并使用符合规定的残疾人机动轮椅车。",
        bases=[c.law("中华人民共和国残疾人保障法"), c.norm("浙江省残疾人机动轮椅车燃油补贴发放办法")],
        limit=(30, 20), visits=0, depth=4, scope="province", pop=560,
        result=("燃油补贴", "other"), delivery=("electronic",),
        mats=[c.lic_mat("残疾人证", c.LT_DISABILITY), c.lic_mat("机动车行驶证", c.LT_VEHICLE),
              c.lic_mat("机动车驾驶证", c.LT_DRIVER)],
    )
    b.item(
        c.HZCL, "001402002000", "残疾人辅助器具适配补贴",
        kind="payment", topics=["disability"], aliases=("辅具补贴", "助听器补贴"),
        summary="对持证残疾人适配基本型辅助器具给予补贴，可在定点辅具服务机构直接结算。",
        cond="持有残疾人证且经评估需要适配辅助器具的本市残疾人。",
        bases=[c.law("中华人民共和国残疾人保障法"), c.norm("浙江省残疾人基本型辅助器具适配补贴办法")],
        limit=(20, 10), visits=1, depth=3, scope="city", pop=1870,
        result=("辅助器具补贴", "other"),
        mats=[c.lic_mat("残疾人证", c.LT_DISABILITY), c.issued("辅助器具适配评估报告", "定点辅助器具评估机构")],
    )
    b.item(
        c.HZCL, "001403001000", "用人单位安排残疾人就业情况审核",
        kind="confirmation", topics=["hr"], audience="enterprise", aliases=("残保金审核", "按比例就业审核"),
        summary="用人单位按比例安排残疾人就业情况年度审核，结果用于残疾人就业保障金的征收或减免。",
        cond="本市行政区域内依法登记并安排残疾人就业的机关、团体、企业、事业单位和民办非企业单位。",
        bases=[c.reg("残疾人就业条例（国务院令第488号）"), c.law("中华人民共和国残疾人保障法")],
        limit=(20, 5), visits=0, depth=4, scope="city", pop=3460,
        result=("安排残疾人就业情况审核结果", "document"),
        mats=[c.BIZ_LICENSE(), c.lic_mat("残疾职工残疾人证", c.LT_DISABILITY),
              c.shared("残疾职工社会保险缴费信息", c.RES_SOCIAL),
              c.mat("劳动合同", notes="与残疾职工签订的一年以上劳动合同")],
    )


def _justice(b: CatalogBuilder) -> None:
    b.item(
        c.HZSF, "001201001000", "法律援助申请",
        kind="public_service", topics=["legal-aid"], aliases=("免费律师", "法律援助"),
        summary="经济困难公民和符合法定条件的当事人，可以向法律援助机构申请法律咨询、代拟法律文书、诉讼代理等法律援助服务。",
        cond="1. 因经济困难没有委托代理人的，就法律援助法规定的事项申请；2. 英雄烈士近亲属维护英烈名誉、因见义勇为行为主张权益、"
             "请求工伤事故人身损害赔偿等情形不受经济困难条件限制。",
        bases=[c.law("中华人民共和国法律援助法", "第三十一条"), c.law("中华人民共和国法律援助法", "第三十二条"),
               c.law("中华人民共和国法律援助法", "第四十三条")],
        limit=(7, 3), legal_note="法律援助机构应当自收到申请之日起7日内审查并作出决定", visits=1, depth=3, scope="province", pop=6940,
        result=("给予法律援助决定书", "document"),
        mats=[c.ID_CARD(), c.mat("法律援助申请表", form="legal-aid-application"),
              c.mat("经济困难状况说明表", notes="申请人如实填写并承诺，法律援助机构通过信息共享核查"),
              c.shared("最低生活保障、特困供养对象信息", c.RES_SUBSIST, cond="属于低保、特困对象的，免于提交经济困难证明"),
              c.mat("与所申请法律援助事项有关的证件、证明材料", notes="如劳动合同、工资条、起诉状等"),
              *c.AGENT_MATS],
    )
    b.item(
        c.SFT, "001202001000", "律师执业许可",
        kind="licensing", topics=["legal-aid"], aliases=("律师执业证", "申请律师执业"),
        summary="通过国家统一法律职业资格考试、在律师事务所实习满一年的人员，申请律师执业证书。",
        cond="1. 拥护中华人民共和国宪法；2. 通过国家统一法律职业资格考试取得法律职业资格；3. 在律师事务所实习满一年；4. 品行良好。",
        bases=[c.law("中华人民共和国律师法", "第五条"), c.law("中华人民共和国律师法", "第六条"), c.rule("律师执业管理办法")],
        limit=(30, 15), legal_note="设区的市级司法行政部门20日内审查并报送，省司法厅10日内作出决定", visits=0, depth=4,
        scope="none", pop=2150, level="provincial",
        result=("律师执业证书", "license"), result_lic=c.LT_LAWYER,
        mats=[c.ID_CARD(), c.mat("律师执业申请书", form="lawyer-license-application"), c.mat("法律职业资格证书"),
              c.issued("律师协会出具的申请人实习考核合格的材料", "浙江省律师协会"),
              c.mat("律师事务所出具的同意接收申请人的证明")],
    )
    b.item(
        c.SFT, "001203001000", "司法鉴定人执业登记",
        kind="licensing", topics=["legal-aid"], aliases=("司法鉴定人登记",),
        summary="具备相应专业技术条件的人员申请从事司法鉴定业务的执业登记。",
        cond="1. 拥护宪法，遵守法律法规和社会公德，品行良好；2. 具有相关的高级专业技术职称，或具有相关专业执业资格、高等院校相关专业本科以上学历且从事相关工作5年以上。",
        bases=[c.norm("全国人民代表大会常务委员会关于司法鉴定管理问题的决定"), c.rule("司法鉴定人登记管理办法")],
        limit=(20, 15), visits=1, depth=3, scope="none", pop=420,
        result=("司法鉴定人执业证", "license"),
        mats=[c.ID_CARD(), c.mat("司法鉴定人执业登记申请表"), c.mat("专业技术职称或执业资格证书"),
              c.mat("拟执业机构出具的同意执业证明")],
    )
    b.item(
        c.HZSF, "001204001000", "人民调解申请",
        kind="public_service", topics=["legal-aid"], aliases=("纠纷调解", "调解"),
        summary="当事人可以就婚姻家庭、邻里、物业、消费等民间纠纷向人民调解委员会申请调解，不收取任何费用。",
        cond="双方当事人自愿接受调解的民间纠纷；已经人民法院、公安机关等依法受理或处理的除外。",
        bases=[c.law("中华人民共和国人民调解法", "第四条"), c.law("中华人民共和国人民调解法", "第十七条")],
        limit=(30, 15), visits=1, depth=3, scope="city", pop=2930,
        result=("人民调解协议书", "document"), delivery=("window",),
        mats=[c.ID_CARD(), c.mat("人民调解申请书"), c.mat("与纠纷有关的证据材料", optional=True)],
    )
