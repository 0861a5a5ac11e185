"""人力资源和社会保障: 社保卡、养老、失业、工伤、就业创业、劳动关系."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

SIL = "中华人民共和国社会保险法"
RESIDENT_PENSION = "国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）"
TRANSFER_DOC = "城镇企业职工基本养老保险关系转移接续暂行办法（国办发〔2009〕66号）"
EMPLOY_RULE = "就业服务与就业管理规定"
INJURY_REG = "工伤保险条例"


def add(b: CatalogBuilder) -> None:
    _cards(b)
    _pension(b)
    _employment(b)
    _injury_and_labour(b)


def _cards(b: CatalogBuilder) -> None:
    b.item(
        c.HZRS, "000301001000", "社会保障卡申领",
        kind="public_service", topics=["social-security"], aliases=("社保卡", "社保卡办理", "市民卡", "社保卡补办"),
        summary="参保人员申领第三代社会保障卡（具有金融功能），可在浙里办申请并选择邮寄到家；补领、换领即时制卡网点可立等可取。",
        cond="在本市参加社会保险的人员，或本市户籍居民（含新生儿）。",
        bases=[c.law(SIL, "第五十八条"), c.rule("社会保障卡管理办法")],
        limit=(20, 10), promised_note="邮寄制卡10个工作日；即时制卡网点现场1小时内领卡",
        visits=0, depth=4, scope="cross_province", pop=64210,
        result=("中华人民共和国社会保障卡", "license"), result_lic=c.LT_SSC, delivery=("express", "window"),
        handling=(("首次申领", "new"), ("补领", "reissue"), ("换领", "renewal")),
        mats=[c.ID_CARD(), c.shared("居民身份证相片", "省公安厅·居民身份证相片信息",
                                    notes="自动调取身份证相片，也可上传近期电子照片"),
              c.mat("社会保障卡申领登记表", form="ssc-application", notes="在线填写，窗口办理时现场打印签名"),
              c.lic_mat("监护人居民身份证", c.LT_ID_CARD, cond="未满十六周岁的由监护人代为申领")],
    )
    b.item(
        c.HZRS, "000301002000", "社会保障卡挂失与解挂",
        kind="public_service", topics=["social-security"], aliases=("社保卡挂失", "社保卡解挂"),
        summary="社会保障卡遗失的可在线或拨打12333电话挂失，找回后可办理解挂。",
        cond="已申领社会保障卡的持卡人。",
        bases=[c.law(SIL, "第五十八条"), c.rule("社会保障卡管理办法")],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=7340, delivery=("electronic",),
        result=("挂失（解挂）结果", "other"),
        handling=(("正式挂失", "other"), ("解挂", "other")),
        mats=[c.ID_CARD()],
    )
    b.item(
        c.RST, "000301003000", "电子社会保障卡签发",
        kind="public_service", topics=["social-security"], aliases=("电子社保卡",),
        summary="持有实体社会保障卡的人员，可通过浙里办、支付宝等渠道实名签发电子社保卡，用于身份凭证、就医购药、待遇查询。",
        cond="已持有有效实体社会保障卡的人员。",
        bases=[c.law(SIL, "第五十八条")],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=25430, level="provincial",
        result=("电子社会保障卡", "license"), delivery=("electronic",),
        mats=[c.lic_mat("社会保障卡", c.LT_SSC), c.mat("人脸识别认证", orig=0, notes="在线完成，无需提交材料")],
    )
    b.item(
        c.RST, "000301010000", "个人社会保险参保证明查询打印",
        kind="public_service", topics=["social-security"], aliases=("社保证明", "社保缴费证明", "参保证明打印"),
        summary="参保人员查询打印个人社会保险参保缴费证明，电子证明加盖电子印章，可扫码核验。",
        cond="在本省参加社会保险的人员。",
        bases=[c.law(SIL, "第七十四条")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=58870, level="provincial",
        result=("社会保险参保证明（电子）", "other"), delivery=("electronic",),
        mats=[c.ID_CARD()],
    )


def _pension(b: CatalogBuilder) -> None:
    b.item(
        c.HZRS, "000302001000", "城乡居民基本养老保险参保登记",
        kind="public_service", topics=["social-security", "retirement"], aliases=("城乡居民养老保险", "居民养老保险参保"),
        summary="年满16周岁（不含在校学生）、非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的本市户籍居民可参保。",
        cond="年满16周岁（不含在校学生），非国家机关和事业单位工作人员，未参加职工基本养老保险的本市户籍居民。",
        bases=[c.law(SIL, "第二十条"), c.law(SIL, "第二十二条"), c.norm(RESIDENT_PENSION)],
        limit=(5, 0), visits=0, depth=4, scope="province", pop=12640,
        result=("参保登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.HUKOU(), c.mat("城乡居民基本养老保险参保登记表", form="resident-pension-registration")],
    )
    b.item(
        c.HZRS, "000302002000", "城乡居民基本养老保险待遇申领",
        kind="payment", topics=["retirement"], aliases=("居民养老金领取",),
        summary="参加城乡居民养老保险、年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的，申领城乡居民基本养老保险待遇。",
        cond="年满60周岁，累计缴费满15年，且未领取国家规定的基本养老保障待遇的城乡居民养老保险参保人。",
        bases=[c.norm(RESIDENT_PENSION)],
        limit=(20, 5), visits=0, depth=4, scope="province", pop=8750,
        result=("城乡居民基本养老保险待遇", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.lic_mat("社会保障卡", c.LT_SSC, notes="待遇发放至社会保障卡银行账户")],
    )
    b.item(
        c.HZRS, "000302003000", "职工基本养老保险待遇申领（退休申请）",
        kind="payment", topics=["retirement"], aliases=("办理退休", "退休手续", "养老金申领"),
        summary="达到法定退休年龄且累计缴费满规定年限的参保人员申领基本养老金，纳入“退休一件事”，与医保、公积金提取联办。",
        cond="1. 达到法定退休年龄（按渐进式延迟法定退休年龄规定确定）；2. 累计缴费满规定年限；3. 已办理职工基本养老保险关系归集。",
        bases=[c.law(SIL, "第十六条"), c.law("全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定")],
        limit=(20, 10), visits=0, depth=4, scope="province", pop=17320,
        result=("基本养老金核定表", "document"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("社会保险参保缴费信息", c.RES_SOCIAL),
              c.mat("职工退休申请表", form="retirement-application", notes="单位经办的加盖单位公章"),
              c.mat("特殊工种提前退休审批材料", cond="从事特殊工种申请提前退休的")],
    )
    b.item(
        c.HZRS, "000302004000", "企业职工基本养老保险关系转移接续",
        kind="public_service", topics=["social-security", "employment"], aliases=("社保转移", "养老保险转移"),
        summary="参保人员跨省、跨统筹地区就业的，基本养老保险关系随本人转移，缴费年限累计计算；全程网办。",
        cond="参加企业职工基本养老保险，跨统筹地区流动就业并在新就业地参保的人员。",
        bases=[c.law(SIL, "第十九条"), c.norm(TRANSFER_DOC)],
        limit=(45, 15), legal_note="转入地15个工作日内发出联系函，转出地15个工作日内办理转出，转入地15个工作日内办结",
        visits=0, depth=4, scope="cross_province", pop=21540,
        result=("基本养老保险关系转移接续结果", "other"),
        mats=[c.ID_CARD(), c.shared("基本养老保险参保缴费凭证信息", "人力资源社会保障部·全国社会保险关系转移系统"),
              c.mat("基本养老保险关系转移接续申请表", form="pension-transfer-application")],
    )
    b.item(
        c.RST, "000302005000", "领取社会保险待遇资格确认",
        kind="public_service", topics=["retirement", "social-security"], aliases=("养老金资格认证", "刷脸认证", "生存认证"),
        summary="领取养老金等社会保险待遇人员的资格确认，以大数据比对为主、人脸识别认证为辅，全程无感或刷脸即可完成。",
        cond="按月领取社会保险待遇的人员（含居住在省外、境外的人员）。",
        bases=[c.law(SIL, "第七十四条")],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=44260, level="provincial",
        result=("资格确认结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("人脸识别认证", orig=0, notes="系统比对未能确认的，通过浙里办“刷脸”完成")],
    )
    b.item(
        c.HZRS, "000302010000", "丧葬补助金、抚恤金申领",
        kind="payment", topics=["funeral"], aliases=("丧葬费", "抚恤金", "遗属待遇"),
        summary="参加基本养老保险的个人因病或非因工死亡的，其遗属可以领取丧葬补助金和抚恤金，纳入“身后一件事”联办。",
        cond="死亡人员生前参加基本养老保险，申请人为其直系亲属或法定继承人。",
        bases=[c.law(SIL, "第十七条")],
        limit=(20, 5), visits=0, depth=4, scope="province", pop=6180,
        result=("丧葬补助金、抚恤金", "other"), delivery=("electronic",),
        mats=[c.shared("居民死亡医学证明（推断）书", c.RES_DEATH), c.shared("户口注销信息", c.RES_HUKOU),
              c.ID_CARD(who="领取人"), c.mat("亲属关系证明", notes="户口簿、结婚证等可证明亲属关系的材料"),
              c.mat("遗属待遇申领表", form="survivor-benefit-application")],
    )
    b.item(
        c.HZRS, "000302020000", "灵活就业人员参保登记",
        kind="public_service", topics=["social-security", "employment"], aliases=("个人交社保", "灵活就业社保"),
        summary="无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员参加职工基本养老保险，取消户籍限制。",
        cond="在本市从事灵活就业，年满16周岁未达到法定退休年龄，未在用人单位参加职工基本养老保险的人员。",
        bases=[c.law(SIL, "第十条")],
        limit=(5, 0), visits=0, depth=4, scope="province", pop=15220,
        result=("参保登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("灵活就业人员参保登记表", form="flexible-employment-registration")],
    )


def _employment(b: CatalogBuilder) -> None:
    b.item(
        c.HZRS, "000303001000", "失业保险金申领",
        kind="payment", topics=["employment", "social-security"], aliases=("失业金", "领失业金", "失业保险"),
        summary="参加失业保险、非因本人意愿中断就业的人员，可申领失业保险金；浙里办全程网办，跨省通办。",
        cond="1. 失业前用人单位和本人已经缴纳失业保险费满一年；2. 非因本人意愿中断就业；3. 已经进行失业登记，并有求职要求。",
        bases=[c.law(SIL, "第四十五条"), c.reg("失业保险条例", "第十四条")],
        limit=(10, 3), visits=0, depth=4, scope="cross_province", pop=23780,
        result=("失业保险金", "other"), delivery=("electronic",),
        process=steps(("在线申领", "通过浙里办或国家社会保险公共服务平台申领，同步完成失业登记"),
                      ("资格审核", "经办机构比对参保缴费和劳动关系解除信息"),
                      ("核定待遇", "按累计缴费时间核定领取期限和标准，一并办理失业人员基本医疗保险"),
                      ("按月发放", "失业保险金按月发放至本人社会保障卡银行账户")),
        mats=[c.ID_CARD(), c.shared("失业登记信息", c.RES_EMPLOY),
              c.shared("解除或终止劳动关系信息", "省人力社保厅·劳动用工备案信息",
                       notes="单位已办理用工减员备案的，系统自动获取"),
              c.lic_mat("社会保障卡", c.LT_SSC, notes="失业保险金发放至社会保障卡银行账户")],
    )
    b.item(
        c.HZRS, "000303002000", "就业创业证申领",
        kind="public_service", topics=["employment"], aliases=("就业失业登记证", "失业证", "就业创业证"),
        summary="劳动者办理就业、失业登记后申领就业创业证（电子证），作为享受就业创业扶持政策的凭证。",
        cond="法定劳动年龄内、有劳动能力和就业要求、处于失业状态或已就业创业的城乡劳动者。",
        bases=[c.law("中华人民共和国就业促进法"), c.rule(EMPLOY_RULE)],
        limit=(5, 0), visits=0, depth=4, scope="cross_province", pop=13320,
        result=("就业创业证（电子证）", "license"), result_lic=c.LT_JOB_CARD, delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("就业创业证申领表", form="job-card-application")],
    )
    b.item(
        c.HZRS, "000303003000", "失业登记",
        kind="public_service", topics=["employment"], aliases=("登记失业",),
        summary="在法定劳动年龄内、有劳动能力和就业要求、处于无业状态的人员，可在常住地进行失业登记，享受公共就业服务。",
        cond="法定劳动年龄内，有劳动能力，有就业要求，处于无业状态的城乡劳动者。",
        bases=[c.law("中华人民共和国就业促进法"), c.rule(EMPLOY_RULE)],
        limit=(1, 0), visits=0, depth=4, scope="cross_province", pop=14290,
        result=("失业登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD()],
    )
    b.item(
        c.HZRS, "000303004000", "高校毕业生就业报到",
        kind="public_service", topics=["employment", "education"], aliases=("报到证", "毕业生报到", "档案接收"),
        summary="普通高校毕业生到杭就业，在线办理就业报到及人事档案接收。",
        cond="普通高等学校应届毕业生及择业期内未就业的毕业生。",
        bases=[c.rule(EMPLOY_RULE)],
        limit=(5, 1), visits=0, depth=4, scope="province", pop=9440,
        result=("就业报到登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("学历学位信息", c.RES_EDU),
              c.mat("劳动合同或录用证明", cond="已落实工作单位的")],
    )
    b.item(
        c.HZRS, "000303010000", "一次性创业补贴申领",
        kind="payment", topics=["employment"], aliases=("创业补贴",),
        summary="高校毕业生、就业困难人员等在杭首次创办企业或个体工商户并正常经营，申领一次性创业补贴。",
        cond="毕业5年内高校毕业生、登记失业半年以上人员、退役军人等重点群体在本市首次创业，正常经营1年以上且带动就业。",
        bases=[c.norm("浙江省就业创业补贴实施办法")],
        limit=(20, 10), visits=0, depth=4, scope="city", pop=2180,
        result=("一次性创业补贴", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.BIZ_LICENSE(), c.shared("单位参保缴费信息", c.RES_SOCIAL),
              c.mat("创业补贴申请表", form="startup-subsidy-application")],
    )
    b.item(
        c.HZRS, "000303011000", "职业培训补贴申领",
        kind="payment", topics=["employment"], aliases=("技能培训补贴",),
        summary="参加职业技能培训并取得职业资格证书或职业技能等级证书的劳动者，申领职业培训补贴。",
        cond="在本市参加职业技能培训，取得职业资格证书、职业技能等级证书或专项职业能力证书的劳动者。",
        bases=[c.norm("浙江省职业技能提升行动实施方案")],
        limit=(20, 10), visits=0, depth=4, scope="city", pop=3670,
        result=("职业培训补贴", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("职业技能等级证书", notes="可在线核验的免于上传"), c.lic_mat("社会保障卡", c.LT_SSC)],
    )
    b.item(
        c.HZRS, "000303012000", "创业担保贷款申请",
        kind="public_service", topics=["employment"], aliases=("创业贷款", "贴息贷款"),
        summary="符合条件的个人创业者和小微企业申请创业担保贷款，个人最高50万元，按规定享受财政贴息。",
        cond="在本市创业的城镇登记失业人员、高校毕业生、退役军人等，或当年新招用符合条件人员的小微企业。",
        bases=[c.norm("财政部 人力资源社会保障部 中国人民银行关于进一步做好创业担保贷款财政贴息工作的通知")],
        limit=(20, 15), visits=1, depth=3, scope="city", pop=1460, audience="both",
        result=("创业担保贷款审核意见", "document"),
        mats=[c.ID_CARD(), c.BIZ_LICENSE(cond="已创办经营实体的"), c.mat("创业担保贷款申请表"), c.mat("创业计划书或经营情况说明")],
    )
    b.item(
        c.RST, "000303020000", "职业技能等级证书查询核验",
        kind="public_service", topics=["employment"], aliases=("技能证书查询",),
        summary="查询核验职业资格证书、职业技能等级证书信息，支持扫码核验。",
        cond="持有人本人或经授权的用人单位。",
        bases=[c.norm("人力资源社会保障部关于健全完善新时代技能人才职业技能等级制度的意见")],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=8910, level="provincial",
        result=("证书查询结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD()],
    )


def _injury_and_labour(b: CatalogBuilder) -> None:
    b.item(
        c.HZRS, "000304001000", "工伤认定申请",
        kind="confirmation", topics=["social-security", "hr"], audience="both", aliases=("工伤认定", "报工伤"),
        summary="职工发生事故伤害或者被诊断、鉴定为职业病，由用人单位在30日内、或职工及其近亲属在1年内提出工伤认定申请。",
        cond="1. 用人单位自事故伤害发生之日或被诊断、鉴定为职业病之日起30日内提出；2. 用人单位未提出的，工伤职工或其近亲属、工会组织在1年内提出。",
        bases=[c.reg(INJURY_REG, "第十四条"), c.reg(INJURY_REG, "第十七条"), c.reg(INJURY_REG, "第二十条"),
               c.rule("工伤认定办法")],
        limit=(60, 30), legal_note="自受理之日起60日内作出认定决定；事实清楚、权利义务明确的15日内作出",
        promised_note="事实清楚、权利义务明确的10个工作日", visits=1, depth=3, scope="city", pop=5340,
        result=("认定工伤决定书", "document"),
        process=steps(("申请", "用人单位或职工、近亲属向统筹地区人力社保部门提交工伤认定申请"),
                      ("受理", "材料完整的受理并出具受理决定书；不完整的一次性书面告知需补正的全部材料"),
                      ("调查核实", "根据需要对事故伤害进行调查核实，用人单位负有举证责任"),
                      ("认定", "作出认定工伤或不予认定工伤的决定"),
                      ("送达", "认定决定书送达申请人、职工（或近亲属）和用人单位，抄送社会保险经办机构")),
        mats=[c.mat("工伤认定申请表", form="work-injury-application"), c.ID_CARD(who="受伤职工"),
              c.mat("与用人单位存在劳动关系（包括事实劳动关系）的证明材料", notes="已参保的由系统核验参保信息"),
              c.issued("医疗诊断证明或职业病诊断证明书", "医疗机构或职业病诊断机构"),
              c.issued("道路交通事故认定书", "公安机关交通管理部门", cond="因交通事故受伤的"),
              *c.AGENT_MATS],
    )
    b.item(
        c.HZRS, "000304002000", "劳动能力鉴定申请",
        kind="confirmation", topics=["social-security", "disability"], audience="both", aliases=("伤残鉴定", "工伤鉴定"),
        summary="职工发生工伤，经治疗伤情相对稳定后存在残疾、影响劳动能力的，申请劳动能力鉴定。",
        cond="已认定为工伤，经治疗伤情相对稳定后存在残疾、影响劳动能力的职工。",
        bases=[c.reg(INJURY_REG, "第二十三条"), c.reg(INJURY_REG, "第二十五条")],
        limit=(60, 45), legal_note="自收到申请之日起60日内作出鉴定结论，必要时可延长30日", visits=1, depth=3, scope="city", pop=2410,
        result=("劳动能力鉴定结论书", "document"),
        mats=[c.mat("劳动能力鉴定申请表"), c.shared("工伤认定决定", "市人力社保局·工伤认定信息"),
              c.issued("医疗诊断证明及病历资料", "工伤医疗机构")],
    )
    b.item(
        c.HZRS, "000305001000", "劳务派遣经营许可",
        kind="licensing", topics=["permits", "hr"], audience="enterprise", aliases=("劳务派遣许可证",),
        summary="经营劳务派遣业务应当向劳动行政部门依法申请行政许可，取得劳务派遣经营许可证。",
        cond="1. 注册资本不得少于人民币二百万元；2. 有与开展业务相适应的固定的经营场所和设施；3. 有符合法律、行政法规规定的劳务派遣管理制度。",
        bases=[c.law("中华人民共和国劳动合同法", "第五十七条"), c.rule("劳务派遣行政许可实施办法")],
        limit=(20, 5), visits=0, depth=4, scope="none", pop=840,
        result=("劳务派遣经营许可证", "license"),
        handling=(("新设", "new"), ("变更", "change"), ("延续", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("劳务派遣经营许可申请书", form="labour-dispatch-application"), c.BIZ_LICENSE(),
              c.mat("经营场所使用证明"), c.mat("劳务派遣管理制度", notes="包括劳动合同、劳动报酬、社会保险、工作时间、休息休假等内容"),
              c.mat("法定代表人身份证明", orig=0, copy=1)],
    )
    b.item(
        c.HZRS, "000305002000", "人力资源服务许可",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("职业中介许可", "人力资源服务许可证"),
        summary="经营性人力资源服务机构从事职业中介活动的，向人力资源社会保障部门申请人力资源服务许可证。",
        cond="有明确的章程和管理制度，有开展业务必备的固定场所、办公设施和开办资金，有符合规定数量并具备相应职业资格的专职工作人员。",
        bases=[c.reg("人力资源市场暂行条例", "第十八条"), c.rule("人力资源服务机构管理规定")],
        limit=(20, 5), visits=0, depth=4, scope="none", pop=960,
        result=("人力资源服务许可证", "license"),
        mats=[c.mat("人力资源服务许可申请表"), c.BIZ_LICENSE(), c.mat("经营场所使用证明"),
              c.mat("专职工作人员名单及资格证明")],
    )
    b.item(
        c.HZRS, "000305003000", "企业实行不定时工作制和综合计算工时工作制审批",
        kind="licensing", topics=["hr"], audience="enterprise", aliases=("特殊工时审批", "综合工时"),
        summary="因生产特点不能实行标准工时制度的企业，申请对部分岗位实行不定时工作制或综合计算工时工作制。",
        cond="因工作性质或生产特点，部分岗位无法按标准工作时间衡量或需要连续作业的企业。",
        bases=[c.law("中华人民共和国劳动法", "第三十九条"),
               c.norm("关于企业实行不定时工作制和综合计算工时工作制的审批办法")],
        limit=(20, 10), visits=0, depth=4, scope="none", pop=1130,
        result=("特殊工时制度审批决定书", "document"),
        mats=[c.mat("实行特殊工时制度申请表"), c.BIZ_LICENSE(), c.mat("职工代表大会或全体职工讨论意见"),
              c.mat("实行特殊工时岗位的人员名单")],
    )
    b.item(
        c.HZRS, "000306001000", "单位参保登记",
        kind="public_service", topics=["business-start", "hr"], audience="enterprise", aliases=("企业社保开户", "单位社保登记"),
        summary="用人单位自成立之日起30日内申请办理社会保险登记；纳入企业开办“一件事”，设立登记时一并完成。",
        cond="本市依法成立的企业、个体经济组织、民办非企业单位等用人单位。",
        bases=[c.law(SIL, "第五十七条")],
        limit=(15, 0), legal_note="社会保险经办机构自收到申请之日起15日内审核，发给社会保险登记证件",
        visits=0, depth=4, scope="city", pop=18880,
        result=("社会保险登记信息", "other"), delivery=("electronic",),
        mats=[c.BIZ_LICENSE(), c.shared("市场主体登记信息", c.RES_ENTERPRISE),
              c.mat("单位社会保险登记表", notes="企业开办平台一并填报")],
    )
    b.item(
        c.HZRS, "000306002000", "职工参保登记（增员）",
        kind="public_service", topics=["hr"], audience="enterprise", aliases=("社保增员", "员工参保"),
        summary="用人单位自用工之日起30日内为其职工申请办理社会保险登记。",
        cond="已办理单位参保登记的用人单位新招用职工。",
        bases=[c.law(SIL, "第五十八条")],
        limit=(5, 0), visits=0, depth=4, scope="city", pop=33100,
        result=("职工参保登记信息", "other"), delivery=("electronic",),
        mats=[c.mat("职工参保登记信息表", notes="在线填报，支持批量导入"), c.lic_mat("职工居民身份证", c.LT_ID_CARD)],
    )
