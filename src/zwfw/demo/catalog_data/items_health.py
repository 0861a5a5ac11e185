"""医疗保障、卫生健康、药品监管."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder

SIL = "中华人民共和国社会保险法"
MIH = "中华人民共和国母婴保健法"
MED_TRANSFER = "基本医疗保障关系转移接续暂行办法"
REMOTE = "国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知"
DRUG_LAW = "中华人民共和国药品管理法"
DRUG_BIZ_RULE = "药品经营和使用质量监督管理办法"
MED_INST_REG = "医疗机构管理条例"
HZYB_PLACES = [c.place("杭州市医疗保障服务窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)]


def add(b: CatalogBuilder) -> None:
    _medical_insurance(b)
    _health(b)
    _drugs(b)


def _medical_insurance(b: CatalogBuilder) -> None:
    b.item(
        c.HZYB, "000501001000", "城乡居民基本医疗保险参保登记",
        kind="public_service", topics=["medical", "social-security"], aliases=("医保参保", "居民医保", "城乡居民医保"),
        summary="未参加职工基本医疗保险的本市户籍居民和持居住证的常住人员，在集中参保期内办理城乡居民医保参保登记。",
        cond="本市户籍或持有本市居住证、未参加职工基本医疗保险的城乡居民（含在杭大中专学生、新生儿）。",
        bases=[c.law(SIL, "第二十五条"), c.norm("杭州市城乡居民基本医疗保险办法")],
        limit=(5, 0), visits=0, depth=4, scope="cross_province", pop=27640,
        result=("医保参保登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.HUKOU(cond="本市户籍居民参保的"), c.mat("居住证", cond="非本市户籍常住人员参保的")],
    )
    b.item(
        c.HZYB, "000501002000", "新生儿参保登记",
        kind="public_service", topics=["birth", "medical"], aliases=("宝宝医保", "新生儿医保"),
        summary="新生儿出生后在“出生一件事”中一并办理城乡居民医保参保，出生当年免缴个人缴费部分（按杭州市规定）。",
        cond="在本市出生、父母一方为本市户籍或持本市居住证的新生儿。",
        bases=[c.law(SIL, "第二十五条")],
        limit=(5, 0), visits=0, depth=4, scope="city", pop=19880,
        result=("医保参保登记信息", "other"), delivery=("electronic",),
        mats=[c.lic_mat("出生医学证明", c.LT_BIRTH), c.shared("新生儿户籍登记信息", c.RES_HUKOU),
              c.ID_CARD(who="监护人")],
    )
    b.item(
        c.HZYB, "000501003000", "基本医疗保险关系转移接续",
        kind="public_service", topics=["medical", "employment"], aliases=("医保转移", "医保关系转移"),
        summary="参保人员跨统筹地区流动就业，基本医疗保险关系随本人转移，缴费年限累计计算；国家医保服务平台全程网办。",
        cond="已在原参保地参加基本医疗保险，并在本市参加基本医疗保险的流动人员。",
        bases=[c.law(SIL, "第三十二条"), c.norm(MED_TRANSFER)],
        limit=(15, 10), visits=0, depth=4, scope="cross_province", pop=16210, places=HZYB_PLACES,
        result=("医保关系转移接续结果", "other"),
        mats=[c.ID_CARD(), c.shared("参保人员基本医疗保险类型变更信息表", "国家医保局·医保关系转移接续信息"),
              c.mat("基本医疗保险关系转移接续申请表", form="medical-transfer-application")],
    )
    b.item(
        c.HZYB, "000501004000", "异地就医备案",
        kind="public_service", topics=["medical"], aliases=("异地就医登记", "跨省就医备案", "医保异地备案"),
        summary="异地长期居住人员、临时外出就医人员办理跨省或省内异地就医备案，备案后可在就医地定点医疗机构直接结算。",
        cond="本市基本医疗保险参保人员，属于异地安置退休、异地长期居住、常驻异地工作或临时外出就医的。",
        bases=[c.law(SIL), c.norm(REMOTE)],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=49830, places=HZYB_PLACES,
        result=("异地就医备案信息", "other"), delivery=("electronic",),
        handling=(("异地长期居住人员备案", "new"), ("临时外出就医人员备案", "new"), ("取消备案", "cancellation")),
        mats=[c.ID_CARD(), c.mat("跨省异地长期居住人员备案个人承诺书", handling=("01",),
                                   notes="承诺居住属实，无需提供居住证明")],
    )
    b.item(
        c.HZYB, "000501005000", "医疗费用手工（零星）报销",
        kind="payment", topics=["medical"], aliases=("医保报销", "零星报销", "手工报销"),
        summary="因急诊抢救、异地就医未能直接结算等原因全额垫付医疗费用的，申请医保手工报销。",
        cond="本市医保参保人员在定点医疗机构发生的符合规定、但未能直接结算的医疗费用。",
        bases=[c.law(SIL, "第二十八条"), c.law(SIL, "第二十九条")],
        limit=(30, 20), visits=1, depth=3, scope="cross_province", pop=12060, places=HZYB_PLACES,
        result=("医疗费用报销结算单", "other"), delivery=("electronic", "window"),
        mats=[c.ID_CARD(), c.mat("医疗收费电子票据", notes="已开具医疗收费电子票据的自动获取"),
              c.mat("费用明细清单"), c.issued("出院小结或门（急）诊病历", "就诊医疗机构"),
              c.mat("医疗费用报销申请表", form="medical-reimbursement-application")],
    )
    b.item(
        c.HZYB, "000501006000", "门诊慢特病待遇认定",
        kind="confirmation", topics=["medical"], aliases=("慢病认定", "特殊病种认定", "规定病种"),
        summary="患有规定的门诊慢性病、特殊病的参保人员，经定点医疗机构认定后享受门诊慢特病待遇；医院直接在线申报，患者无需跑医保窗口。",
        cond="本市医保参保人员，经定点医疗机构诊断患有规定范围内的门诊慢性病、特殊病。",
        bases=[c.law(SIL), c.norm("浙江省基本医疗保险门诊慢特病管理办法")],
        limit=(15, 3), visits=0, depth=4, scope="province", pop=11430, places=HZYB_PLACES,
        result=("门诊慢特病待遇认定结果", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.issued("门诊慢特病诊断证明及相关检查报告", "定点医疗机构")],
    )
    b.item(
        c.HZYB, "000501007000", "生育保险待遇核准支付（生育津贴）",
        kind="payment", topics=["birth", "medical"], aliases=("生育津贴", "生育保险报销", "产假工资"),
        summary="参加生育保险的职工生育后，申领生育医疗费用和生育津贴；医院出院后数据自动推送，全程网办。",
        cond="1. 用人单位为职工缴纳生育保险（职工医保）；2. 符合法律法规规定的生育。",
        bases=[c.law(SIL, "第五十四条"), c.law(SIL, "第五十六条")],
        limit=(20, 7), visits=0, depth=4, scope="cross_province", pop=16700, places=HZYB_PLACES,
        result=("生育津贴", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.lic_mat("出生医学证明", c.LT_BIRTH),
              c.shared("住院结算信息", "省医保局·医疗保障信息平台结算信息"),
              c.mat("单位银行账户信息", notes="生育津贴发放至用人单位的，由单位提供")],
    )
    b.item(
        c.HZYB, "000501008000", "参保人员死亡后医保个人账户余额继承",
        kind="payment", topics=["funeral", "medical"], aliases=("医保账户继承",),
        summary="职工医保参保人员死亡后，其个人账户余额可以依法继承。",
        cond="参保人员死亡，申请人为其合法继承人。",
        bases=[c.law(SIL), c.law("中华人民共和国民法典", "第一千一百二十七条"), c.norm("杭州市职工基本医疗保险个人账户管理办法")],
        limit=(20, 10), visits=1, depth=3, scope="city", pop=2290, places=HZYB_PLACES,
        result=("个人账户余额支付", "other"),
        mats=[c.shared("居民死亡医学证明（推断）书", c.RES_DEATH), c.ID_CARD(who="继承人"),
              c.mat("继承关系证明", notes="户口簿、结婚证、出生医学证明等能证明亲属关系的材料"),
              c.issued("继承公证书或法院判决书", "公证机构或人民法院", cond="存在多个继承人且未协商一致的")],
    )
    b.item(
        c.YBJ, "000502001000", "医疗机构医疗保障定点申请",
        kind="public_service", topics=["health-care"], audience="enterprise", aliases=("医保定点", "定点医院申请"),
        summary="取得医疗机构执业许可证或诊所备案凭证的医疗机构，申请成为基本医疗保险定点医疗机构。",
        cond="正式运营至少3个月；有与业务相适应的医务人员、医保管理制度和信息系统；符合医疗保障行政部门规定的其他条件。",
        bases=[c.rule("医疗机构医疗保障定点管理暂行办法")],
        limit=(60, 45), legal_note="自受理申请材料之日起评估完成时限不超过3个月（现场评估时间不计入）",
        visits=1, depth=3, scope="none", pop=610, level="provincial",
        result=("医疗保障服务协议", "document"),
        mats=[c.mat("定点医疗机构申请表"), c.lic_mat("医疗机构执业许可证", c.LT_MED_INST),
              c.mat("医保专（兼）职管理人员名单"), c.mat("医保管理制度"), c.mat("信息系统建设情况说明")],
    )
    b.item(
        c.YBJ, "000502002000", "医保电子凭证激活",
        kind="public_service", topics=["medical"], aliases=("医保码", "医保电子凭证"),
        summary="参保人员通过浙里办、国家医保服务平台 APP 等激活医保电子凭证，就医购药扫码结算。",
        cond="已参加基本医疗保险的人员。",
        bases=[c.law(SIL)],
        limit=(1, 0), visits=0, depth=4, scope="nationwide", pop=31870, level="provincial",
        result=("医保电子凭证", "license"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.mat("人脸识别认证", orig=0, notes="在线完成")],
    )


def _health(b: CatalogBuilder) -> None:
    b.item(
        c.HZWJ, "000601001000", "生育登记",
        kind="public_service", topics=["birth"], aliases=("生育服务登记", "准生证", "生育服务证"),
        summary="夫妻生育子女的，在浙里办进行生育登记，登记结果用于孕产期保健服务；不设前置条件。",
        cond="一方为本省户籍，或一方持有本省居住证的夫妻。",
        bases=[c.law("中华人民共和国人口与计划生育法"), c.local("浙江省人口与计划生育条例")],
        limit=(1, 0), visits=0, depth=4, scope="province", pop=26430,
        result=("生育登记信息", "other"), delivery=("electronic",),
        mats=[c.ID_CARD(who="夫妻双方"), c.shared("婚姻登记信息", c.RES_MARRIAGE, cond="已办理结婚登记的")],
    )
    b.item(
        c.HZWJ, "000601002000", "出生医学证明首次签发",
        kind="public_service", topics=["birth"], aliases=("出生证", "出生证明", "办出生证"),
        summary="新生儿在助产机构出生后签发《出生医学证明》，纳入“出生一件事”，父母在浙里办确认信息后生成电子出生医学证明。",
        cond="在本市取得助产技术服务资质的医疗保健机构内出生的新生儿。",
        bases=[c.law(MIH, "第二十三条"), c.reg("中华人民共和国母婴保健法实施办法")],
        limit=(5, 1), visits=0, depth=4, scope="province", pop=21650,
        places=[c.place("新生儿出生的助产机构出生医学证明签发窗口", "杭州市各助产医疗机构"), c.ONLINE_PLACE],
        result=("出生医学证明", "license"), result_lic=c.LT_BIRTH, delivery=("electronic", "window"),
        mats=[c.ID_CARD(who="新生儿父母"), c.mat("出生医学证明首次签发登记表", form="birth-cert-registration",
                                                 notes="由父母在线确认新生儿姓名等信息"),
              c.lic_mat("结婚证", c.LT_MARRIAGE, cond="父母已办理结婚登记的")],
    )
    b.item(
        c.HZWJ, "000601003000", "出生医学证明补发",
        kind="public_service", topics=["birth"], aliases=("出生证补办",),
        summary="出生医学证明遗失的，由监护人向原签发机构所在地的卫生健康部门指定机构申请补发。",
        cond="已签发出生医学证明且遗失的；新生儿已办理户口登记的需提供户籍信息。",
        bases=[c.law(MIH, "第二十三条"), c.reg("中华人民共和国母婴保健法实施办法")],
        limit=(20, 10), visits=1, depth=3, scope="city", pop=1880,
        result=("出生医学证明（补发）", "license"), result_lic=c.LT_BIRTH,
        mats=[c.ID_CARD(who="父母双方"), c.HUKOU(), c.mat("出生医学证明补发申请表"),
              c.issued("新生儿出生分娩记录", "原助产机构")],
    )
    b.item(
        c.HZWJ, "000601004000", "预防接种证办理",
        kind="public_service", topics=["birth", "medical"], aliases=("疫苗本", "接种本"),
        summary="儿童出生后一个月内，其监护人到儿童居住地承担预防接种工作的接种单位或者出生医院为其办理预防接种证。",
        cond="在本市出生或居住的适龄儿童。",
        bases=[c.law("中华人民共和国疫苗管理法", "第四十七条")],
        limit=(1, 0), visits=1, depth=2, scope="city", pop=14830,
        places=[c.place("居住地社区卫生服务中心预防接种门诊", "杭州市各社区卫生服务中心")],
        result=("预防接种证", "license"), delivery=("window",),
        mats=[c.lic_mat("出生医学证明", c.LT_BIRTH), c.ID_CARD(who="监护人")],
    )
    b.item(
        c.WJW, "000602001000", "医师执业注册",
        kind="licensing", topics=["health-care", "employment"], aliases=("医师注册", "医师变更注册"),
        summary="取得医师资格的人员申请医师执业注册，实行电子化注册，医师电子证照即时生成。",
        cond="取得医师资格，受聘于医疗卫生机构，不具有《中华人民共和国医师法》规定不予注册情形。",
        bases=[c.law("中华人民共和国医师法"), c.rule("医师执业注册管理办法")],
        limit=(20, 1), visits=0, depth=4, scope="province", pop=7220, level="provincial", base_level="tiered",
        result=("医师执业证书（电子证照）", "license"), result_lic=c.LT_DOCTOR, delivery=("electronic",),
        handling=(("首次注册", "new"), ("变更注册", "change"), ("重新注册", "renewal"), ("注销注册", "cancellation")),
        mats=[c.ID_CARD(), c.mat("医师资格证书"), c.mat("医师执业注册申请审核表"),
              c.issued("近6个月内的健康体检证明", "县级以上医疗机构"),
              c.mat("受聘医疗卫生机构的聘用证明")],
    )
    b.item(
        c.WJW, "000602002000", "护士执业注册",
        kind="licensing", topics=["health-care", "employment"], aliases=("护士注册",),
        summary="通过护士执业资格考试的人员申请护士执业注册，电子化注册即时办结。",
        cond="1. 具有完全民事行为能力；2. 按规定完成护理、助产专业学习并取得毕业证书；3. 通过国务院卫生主管部门组织的护士执业资格考试；4. 符合健康标准。",
        bases=[c.reg("护士条例", "第七条"), c.reg("护士条例", "第八条"), c.rule("护士执业注册管理办法")],
        limit=(20, 1), legal_note="自收到申请之日起20个工作日内作出决定", visits=0, depth=4, scope="province", pop=6390,
        level="provincial", base_level="tiered",
        result=("护士执业证书（电子证照）", "license"), result_lic=c.LT_NURSE, delivery=("electronic",),
        handling=(("首次注册", "new"), ("变更注册", "change"), ("延续注册", "renewal")),
        mats=[c.ID_CARD(), c.mat("护士执业注册申请审核表"), c.shared("学历信息", c.RES_EDU),
              c.mat("护士执业资格考试成绩合格证明"), c.issued("健康体检证明", "县级以上医疗机构")],
    )
    b.item(
        c.HZWJ, "000602010000", "医疗机构执业登记",
        kind="licensing", topics=["health-care"], audience="enterprise", aliases=("医院执业许可", "医疗机构执业许可证"),
        summary="医疗机构执业，须进行登记，领取医疗机构执业许可证（诊所实行备案管理的除外）。",
        cond="1. 按规定应当办理设置医疗机构批准书的，已取得批准书；2. 符合医疗机构基本标准；3. 有适合的名称、组织机构和场所；"
             "4. 有与其开展的业务相适应的经费、设施、设备和专业卫生技术人员；5. 有相应的规章制度。",
        bases=[c.reg(MED_INST_REG), c.rule("医疗机构管理条例实施细则")],
        limit=(45, 20), legal_note="自受理执业登记申请之日起45日内审核", visits=1, depth=3, scope="none", pop=930,
        result=("医疗机构执业许可证", "license"), result_lic=c.LT_MED_INST,
        mats=[c.mat("医疗机构申请执业登记注册书", form="medical-institution-registration"), c.BIZ_LICENSE(cond="营利性医疗机构的"),
              c.mat("医疗机构用房产权证明或者使用证明"), c.mat("医疗机构建筑设计平面图"),
              c.mat("验资证明、资产评估报告"), c.mat("医疗机构规章制度"),
              c.mat("医疗机构法定代表人或者主要负责人以及各科室负责人名录和有关资格证书、执业证书")],
    )
    b.item(
        c.HZWJ, "000602011000", "诊所备案",
        kind="filing", topics=["health-care"], audience="enterprise", aliases=("开诊所", "诊所备案凭证"),
        summary="举办诊所实行备案管理，材料齐全的当场发放诊所备案凭证。",
        cond="符合诊所基本标准，具有相应资质的医师、护士和场所。",
        bases=[c.reg(MED_INST_REG), c.norm("诊所备案管理暂行办法")],
        limit=(1, 0), visits=0, depth=4, scope="none", pop=740,
        result=("诊所备案凭证", "license"),
        mats=[c.mat("诊所备案信息表"), c.mat("诊所用房产权证明或使用证明"), c.mat("卫生技术人员名录及执业证书"),
              c.mat("诊所规章制度")],
    )
    b.item(
        c.HZWJ, "000603001000", "公共场所卫生许可",
        kind="licensing", topics=["permits"], audience="enterprise", aliases=("卫生许可证", "理发店卫生许可", "宾馆卫生许可"),
        summary="宾馆、美容美发、游泳场馆等公共场所经营者申领公共场所卫生许可证，实行告知承诺，当场发证。",
        cond="公共场所的选址、设计、装修符合卫生标准和要求，有健全的卫生管理制度和卫生管理人员。",
        bases=[c.reg("公共场所卫生管理条例"), c.rule("公共场所卫生管理条例实施细则")],
        limit=(20, 1), promised_note="告知承诺制，材料齐全当场发证，事后核查", visits=0, depth=4, scope="none", pop=3120,
        result=("公共场所卫生许可证", "license"),
        handling=(("新办", "new"), ("变更", "change"), ("延续", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("公共场所卫生许可申请表", form="public-place-hygiene-application"), c.BIZ_LICENSE(),
              c.mat("告知承诺书"), c.mat("公共场所卫生检测或评价报告", cond="游泳场所等需要检测的")],
    )


def _drugs(b: CatalogBuilder) -> None:
    b.item(
        c.YJJ, "001601001000", "药品经营许可（批发）",
        kind="licensing", topics=["food-drug"], audience="enterprise", aliases=("药品批发许可证",),
        summary="从事药品批发活动，应当经省级药品监督管理部门批准，取得药品经营许可证。",
        cond="有依法经过资格认定的药师或者其他药学技术人员；有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；有质量管理机构或者人员和质量管理制度。",
        bases=[c.law(DRUG_LAW, "第五十一条"), c.law(DRUG_LAW, "第五十二条"), c.rule(DRUG_BIZ_RULE)],
        limit=(20, 15), legal_note="现场检查时间不计入审批时限", visits=0, depth=4, scope="none", pop=380, level="provincial",
        result=("药品经营许可证", "license"), result_lic=c.LT_DRUG_BIZ,
        handling=(("核发", "new"), ("变更", "change"), ("重新审查发证", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("药品经营许可证申请表", form="drug-business-application"), c.BIZ_LICENSE(),
              c.mat("质量管理负责人、质量管理机构负责人的执业药师注册证或学历、职称证明"),
              c.mat("经营场所、仓库的平面布局图及产权或使用证明"), c.mat("质量管理体系文件目录")],
    )
    b.item(
        c.HZSJ, "001601002000", "药品经营许可（零售）",
        kind="licensing", topics=["food-drug"], audience="enterprise", aliases=("开药店", "药店许可证"),
        summary="开办药品零售企业（药店），经县级以上药品监督管理部门批准，取得药品经营许可证。",
        cond="经营处方药、甲类非处方药的应配备执业药师；有与经营规模相适应的营业场所、设备和卫生环境；有质量管理制度。",
        bases=[c.law(DRUG_LAW, "第五十一条"), c.rule(DRUG_BIZ_RULE)],
        limit=(20, 10), visits=1, depth=3, scope="none", pop=1650,
        result=("药品经营许可证", "license"), result_lic=c.LT_DRUG_BIZ,
        handling=(("核发", "new"), ("变更", "change"), ("重新审查发证", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("药品经营许可证申请表", form="drug-business-application"), c.BIZ_LICENSE(),
              c.mat("执业药师注册证"), c.mat("经营场所平面布局图和产权或使用证明"), c.mat("质量管理制度文件")],
    )
    b.item(
        c.YJJ, "001602001000", "药品生产许可",
        kind="licensing", topics=["food-drug"], audience="enterprise", aliases=("药品生产许可证",),
        summary="从事药品生产活动，应当经省级药品监督管理部门批准，取得药品生产许可证。",
        cond="有依法经过资格认定的药学技术人员、工程技术人员；有与药品生产相适应的厂房、设施和卫生环境；"
             "有能对所生产药品进行质量管理和质量检验的机构、人员；有保证药品质量的规章制度。",
        bases=[c.law(DRUG_LAW, "第四十一条"), c.law(DRUG_LAW, "第四十二条"), c.rule("药品生产监督管理办法")],
        limit=(30, 20), legal_note="自受理之日起30日内作出决定，现场检查时间不计入", visits=1, depth=3, scope="none", pop=150,
        level="provincial", result=("药品生产许可证", "license"),
        mats=[c.mat("药品生产许可证申请表"), c.BIZ_LICENSE(), c.mat("厂区总平面布局图、车间平面布置图"),
              c.mat("关键人员简历及学历、职称证明"), c.mat("质量管理体系文件")],
    )
    b.item(
        c.HZSJ, "001603001000", "第二类医疗器械经营备案",
        kind="filing", topics=["food-drug"], audience="enterprise", aliases=("二类医疗器械备案",),
        summary="从事第二类医疗器械经营的，向所在地设区的市级负责药品监督管理的部门备案，当场发放备案凭证。",
        cond="有与经营规模和经营范围相适应的经营场所和贮存条件，以及与经营的医疗器械相适应的质量管理制度和质量管理机构或者人员。",
        bases=[c.reg("医疗器械监督管理条例"), c.rule("医疗器械经营监督管理办法")],
        limit=(1, 0), visits=0, depth=4, scope="none", pop=2860,
        result=("第二类医疗器械经营备案凭证", "license"),
        mats=[c.mat("第二类医疗器械经营备案表"), c.BIZ_LICENSE(), c.mat("经营场所、库房地址的地理位置图、平面图"),
              c.mat("质量管理制度文件目录")],
    )
    b.item(
        c.HZSJ, "001603002000", "第三类医疗器械经营许可",
        kind="licensing", topics=["food-drug"], audience="enterprise", aliases=("三类医疗器械许可",),
        summary="从事第三类医疗器械经营的，向所在地设区的市级负责药品监督管理的部门申请经营许可。",
        cond="有与经营规模和经营范围相适应的经营场所和贮存条件，以及相适应的质量管理制度和质量管理机构或者人员；有符合要求的计算机信息管理系统。",
        bases=[c.reg("医疗器械监督管理条例"), c.rule("医疗器械经营监督管理办法")],
        limit=(20, 10), visits=1, depth=3, scope="none", pop=690,
        result=("医疗器械经营许可证", "license"),
        mats=[c.mat("医疗器械经营许可申请表"), c.BIZ_LICENSE(), c.mat("质量负责人身份、学历或职称证明"),
              c.mat("经营场所、库房的平面图及产权或使用证明"), c.mat("质量管理制度文件目录")],
    )
