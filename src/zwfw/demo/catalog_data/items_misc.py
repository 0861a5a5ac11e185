"""交通运输、教育、生态环境."""

from __future__ import annotations

from zwfw.demo.catalog_data import common as c
from zwfw.demo.catalog_data.builder import CatalogBuilder, steps

ROAD_REG = "中华人民共和国道路运输条例"
EIA_LAW = "中华人民共和国环境影响评价法"
TEACHER_LAW = "中华人民共和国教师法"


def add(b: CatalogBuilder) -> None:
    _transport(b)
    _education(b)
    _environment(b)


def _transport(b: CatalogBuilder) -> None:
    jt_places = [c.place("杭州市交通运输行政服务窗口（市民之家）", "杭州市上城区解放东路18号市民中心", c.HOURS_SAT)]
    b.item(
        c.HZJT, "000901001000", "道路货物运输经营许可",
        kind="licensing", topics=["transport", "permits"], audience="enterprise", aliases=("货运许可", "道路运输经营许可证"),
        summary="使用总质量4500千克以上普通货运车辆从事道路货物运输经营的，申请道路运输经营许可；告知承诺制，全程网办。",
        cond="1. 有与其经营业务相适应并经检测合格的车辆；2. 有符合规定条件的驾驶人员；3. 有健全的安全生产管理制度。",
        bases=[c.reg(ROAD_REG), c.rule("道路货物运输及站场管理规定")],
        limit=(20, 5), visits=0, depth=4, scope="none", pop=3760, places=jt_places,
        result=("道路运输经营许可证", "license"), result_lic=c.LT_ROAD_TRANSPORT,
        handling=(("新办", "new"), ("变更", "change"), ("注销", "cancellation")),
        mats=[c.mat("道路货物运输经营申请表", form="road-freight-application"), c.BIZ_LICENSE(),
              c.lic_mat("驾驶人员机动车驾驶证", c.LT_DRIVER), c.mat("驾驶人员从业资格证"),
              c.mat("安全生产管理制度文本"), c.mat("车辆技术等级评定或检测合格证明", notes="已购置车辆的提供")],
    )
    b.item(
        c.HZJT, "000901002000", "道路运输证配发（营运车辆）",
        kind="licensing", topics=["transport"], audience="both", aliases=("营运证", "道路运输证"),
        summary="取得道路运输经营许可的经营者新增营运车辆，申请配发道路运输证（电子证照）。",
        cond="已取得道路运输经营许可，车辆技术条件符合要求并已投保承运人责任险（客运）。",
        bases=[c.reg(ROAD_REG), c.rule("道路货物运输及站场管理规定")],
        limit=(20, 1), visits=0, depth=4, scope="province", pop=8430, places=jt_places,
        result=("道路运输证（电子证照）", "license"), result_lic=c.LT_ROAD_VEHICLE, delivery=("electronic",),
        mats=[c.lic_mat("道路运输经营许可证", c.LT_ROAD_TRANSPORT), c.lic_mat("机动车行驶证", c.LT_VEHICLE),
              c.mat("车辆技术等级评定证明", notes="由检测机构联网上传的免于提交")],
    )
    b.item(
        c.HZJT, "000901003000", "网络预约出租汽车经营许可",
        kind="licensing", topics=["transport", "permits"], audience="enterprise", aliases=("网约车平台许可",),
        summary="从事网约车经营服务的平台公司，在服务所在地申请网络预约出租汽车经营许可。",
        cond="具有企业法人资格；具备开展网约车经营的互联网平台和与拟开展业务相适应的信息数据交互及处理能力；有健全的经营管理制度、安全生产管理制度和服务质量保障制度。",
        bases=[c.rule("网络预约出租汽车经营服务管理暂行办法"), c.norm("杭州市网络预约出租汽车经营服务管理实施细则")],
        limit=(20, 10), visits=1, depth=3, scope="none", pop=210, places=jt_places,
        result=("网络预约出租汽车经营许可证", "license"),
        mats=[c.mat("网络预约出租汽车经营申请表"), c.BIZ_LICENSE(), c.mat("网络服务平台数据库接入情况说明"),
              c.mat("经营管理制度、安全生产管理制度和服务质量保障制度文本")],
    )
    b.item(
        c.HZJT, "000901004000", "网络预约出租汽车驾驶员证核发",
        kind="licensing", topics=["transport", "employment", "traffic"], aliases=("网约车驾驶证", "网约车资格证"),
        summary="从事网约车服务的驾驶员，考试合格后申请网络预约出租汽车驾驶员证。",
        cond="1. 取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历；2. 无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录，无饮酒后驾驶记录；3. 考试合格。",
        bases=[c.rule("网络预约出租汽车经营服务管理暂行办法"), c.rule("出租汽车驾驶员从业资格管理规定")],
        limit=(20, 5), visits=1, depth=3, scope="none", pop=6540, places=jt_places,
        result=("网络预约出租汽车驾驶员证", "license"),
        mats=[c.ID_CARD(), c.lic_mat("机动车驾驶证", c.LT_DRIVER), c.shared("无犯罪记录、无吸毒记录核查", "省公安厅·违法犯罪记录核查"),
              c.mat("网约车驾驶员从业资格考试合格证明")],
    )
    b.item(
        c.JTT, "000902001000", "超限运输车辆行驶公路许可",
        kind="licensing", topics=["transport"], audience="both", aliases=("大件运输许可", "超限许可"),
        summary="载运不可解体物品的超限运输车辆在公路上行驶的，通过全国大件运输许可平台申请，跨省许可并联办理。",
        cond="载运不可解体物品，车货总体外廓尺寸或总质量超过规定限值，且已制定运输方案。",
        bases=[c.law("中华人民共和国公路法", "第五十条"), c.reg("公路安全保护条例"), c.rule("超限运输车辆行驶公路管理规定")],
        limit=(15, 5), legal_note="跨省超限运输由起运地省级交通运输主管部门统一受理，并联审批", visits=0, depth=4,
        scope="cross_province", pop=4890, level="provincial",
        result=("超限运输车辆通行证", "license"), delivery=("electronic",),
        mats=[c.mat("公路超限运输申请表"), c.lic_mat("车辆行驶证", c.LT_VEHICLE), c.lic_mat("道路运输证", c.LT_ROAD_VEHICLE),
              c.mat("货物名称、重量、外廓尺寸及必要的总体轮廓图"), c.mat("运输方案", cond="需要采取加固、改造措施的")],
    )
    b.item(
        c.HZJT, "000903001000", "机动车维修经营备案",
        kind="filing", topics=["transport"], audience="enterprise", aliases=("汽修备案", "修车厂备案"),
        summary="从事机动车维修经营的，在依法向市场监管部门办理有关登记手续后，向交通运输主管部门备案。",
        cond="有与其经营业务相适应的维修车辆停车场和生产厂房、设备设施、技术人员，有健全的维修管理制度和环境保护措施。",
        bases=[c.reg(ROAD_REG), c.rule("机动车维修管理规定")],
        limit=(5, 0), visits=0, depth=4, scope="none", pop=1960, places=jt_places,
        result=("机动车维修经营备案信息", "other"), delivery=("electronic",),
        mats=[c.mat("机动车维修经营备案表"), c.BIZ_LICENSE(), c.mat("维修设备设施汇总表"), c.mat("维修管理制度")],
    )


def _education(b: CatalogBuilder) -> None:
    b.item(
        c.HZJY, "001001001000", "教师资格认定",
        kind="licensing", topics=["education", "employment"], aliases=("教资认定", "教师资格证"),
        summary="通过中小学教师资格考试或免试认定改革的人员，申请幼儿园、小学、初级中学、高级中学、中职学校教师资格认定；全程网办，电子证书。",
        cond="1. 遵守宪法和法律，热爱教育事业；2. 具备规定的学历；3. 通过中小学教师资格考试或符合免试认定条件；4. 普通话水平达到规定等级；5. 体检合格。",
        bases=[c.law(TEACHER_LAW, "第十条"), c.law(TEACHER_LAW, "第十一条"), c.law(TEACHER_LAW, "第十三条"),
               c.reg("教师资格条例")],
        limit=(30, 20), legal_note="按公布的认定批次集中受理，自受理期限终止之日起30日内作出决定", visits=0, depth=4,
        scope="province", pop=15680,
        result=("教师资格证书（电子证照）", "license"), result_lic=c.LT_TEACHER, delivery=("electronic", "express"),
        process=steps(("网上报名", "在“中国教师资格网”选择认定机构提交申请，学历、考试、普通话信息在线核验"),
                      ("体检", "在规定时间内到指定医院参加教师资格认定体检"),
                      ("审查", "认定机构审查申请材料和体检结果，必要时组织面试和试讲"),
                      ("认定发证", "作出认定决定，颁发电子教师资格证书，纸质证书邮寄送达")),
        mats=[c.ID_CARD(), c.shared("学历学位信息", c.RES_EDU), c.shared("中小学教师资格考试合格信息", "教育部·中小学教师资格考试信息"),
              c.shared("普通话水平测试等级信息", "教育部·普通话水平测试信息"),
              c.issued("教师资格认定体检表", "指定的县级以上医院"),
              c.mat("个人承诺书", orig=0, notes="在线签署无犯罪记录等承诺")],
    )
    b.item(
        c.HZJY, "001002001000", "义务教育阶段新生入学报名",
        kind="public_service", topics=["education", "birth"], aliases=("小学报名", "初中报名", "入学报名", "幼升小"),
        summary="适龄儿童少年在浙里办“义务教育入学”在线报名，户籍、房产、居住证、社保等信息共享核验，无需提交纸质证明。",
        cond="当年8月31日前年满6周岁的适龄儿童（小学）或小学毕业生（初中），户籍或居住地在学区范围内。",
        bases=[c.law("中华人民共和国义务教育法", "第五条"), c.law("中华人民共和国义务教育法", "第十二条")],
        limit=(20, 15), legal_note="按教育部门公布的招生工作日程统一录取", visits=0, depth=4, scope="city", pop=34520,
        result=("入学录取通知", "other"), delivery=("electronic",),
        mats=[c.HUKOU(), c.shared("房产信息", c.RES_PROPERTY, cond="以房产入学的"),
              c.shared("居住证信息", "省公安厅·流动人口居住登记信息", cond="随迁子女以居住证入学的"),
              c.shared("社会保险参保缴费信息", c.RES_SOCIAL, cond="随迁子女父母以就业参保入学的"),
              c.lic_mat("出生医学证明", c.LT_BIRTH)],
    )
    b.item(
        c.HZJY, "001002002000", "义务教育阶段学生转学",
        kind="public_service", topics=["education"], aliases=("转学", "中小学转学"),
        summary="义务教育阶段学生因户籍迁移、家庭住址变动等原因申请转学，学籍系统在线办理。",
        cond="因户籍迁移、家庭住址变动、父母工作调动等原因需要转学的义务教育阶段在籍学生。",
        bases=[c.law("中华人民共和国义务教育法"), c.rule("中小学生学籍管理办法")],
        limit=(20, 10), visits=0, depth=4, scope="cross_province", pop=5840,
        result=("转学审核结果", "other"), delivery=("electronic",),
        mats=[c.HUKOU(), c.mat("转学申请表"), c.mat("转入学校同意接收证明")],
    )
    b.item(
        c.HZJY, "001003001000", "民办学校办学许可（实施学历教育、学前教育）",
        kind="licensing", topics=["education", "permits"], audience="enterprise", aliases=("办学许可证", "民办幼儿园审批"),
        summary="举办实施学前教育、学历教育的民办学校（幼儿园），经筹设批准后申请正式设立，取得办学许可证。",
        cond="举办者具有法人资格或完全民事行为能力；办学场所、设施、师资和办学资金符合设置标准。",
        bases=[c.law("中华人民共和国民办教育促进法"), c.reg("中华人民共和国民办教育促进法实施条例")],
        limit=(60, 30), legal_note="申请正式设立的，审批机关自受理之日起三个月内以书面形式作出决定", visits=1, depth=3,
        scope="none", pop=260,
        result=("民办学校办学许可证", "license"),
        mats=[c.mat("民办学校正式设立申请书"), c.mat("筹设批准书"), c.mat("学校章程和首届学校理事会、董事会组成人员名单"),
              c.mat("学校资产的有效证明文件"), c.mat("校长、教师、财会人员的资格证明文件")],
    )
    b.item(
        c.JYT, "001004001000", "普通话水平测试等级证书补办",
        kind="public_service", topics=["education"], aliases=("普通话证书补办", "普通话电子证书"),
        summary="普通话水平测试等级证书遗失或损毁的，可补办或下载电子证书，电子证书与纸质证书具有同等效力。",
        cond="已参加普通话水平测试并取得等级证书的人员。",
        bases=[c.law("中华人民共和国国家通用语言文字法"), c.rule("普通话水平测试管理规定")],
        limit=(20, 5), visits=0, depth=4, scope="nationwide", pop=3310,
        result=("普通话水平测试等级证书（电子）", "license"), delivery=("electronic",),
        mats=[c.ID_CARD(), c.shared("普通话水平测试成绩信息", "教育部·普通话水平测试信息")],
    )
    b.item(
        c.JYT, "001005001000", "高等学校学生学籍学历电子注册备案",
        kind="filing", topics=["education"], audience="enterprise", aliases=("学籍注册", "学历注册"),
        summary="省属高等学校向省教育厅报送新生学籍和毕业生学历电子注册信息备案。",
        cond="经批准设立的省属普通高等学校和成人高等学校。",
        bases=[c.law("中华人民共和国高等教育法"), c.rule("普通高等学校学生管理规定")],
        limit=(20, 10), visits=0, depth=4, scope="none", pop=180,
        result=("学籍学历电子注册备案结果", "other"), delivery=("electronic",),
        mats=[c.mat("新生学籍（毕业生学历）电子注册数据"), c.mat("学籍学历电子注册备案表")],
    )


def _environment(b: CatalogBuilder) -> None:
    b.item(
        c.STHJ, "001501001000", "建设项目环境影响报告书审批",
        kind="licensing", topics=["environment", "construction"], audience="enterprise", aliases=("环评审批", "环评报告书"),
        summary="可能造成重大环境影响的建设项目，编制环境影响报告书报生态环境主管部门审批（省级审批权限项目）。",
        cond="建设项目类型及其选址、布局、规模等符合环境保护法律法规和相关法定规划；污染物排放符合国家和地方排放标准及总量控制要求。",
        bases=[c.law(EIA_LAW, "第十六条"), c.law(EIA_LAW, "第二十二条"), c.reg("建设项目环境保护管理条例")],
        limit=(60, 20), legal_note="收到环境影响报告书之日起60日内作出审批决定；技术评估时间不计入", visits=0, depth=4,
        scope="none", pop=460, base_level="tiered",
        result=("建设项目环境影响报告书审批意见", "document"),
        mats=[c.mat("建设项目环境影响报告书审批申请"), c.mat("环境影响报告书（全本）"), c.mat("公众参与说明"),
              c.mat("删除涉及国家秘密、商业秘密等内容的说明", cond="报告书涉及国家秘密、商业秘密的")],
    )
    b.item(
        c.HZST, "001501002000", "建设项目环境影响报告表审批",
        kind="licensing", topics=["environment", "construction"], audience="enterprise", aliases=("环评报告表",),
        summary="可能造成轻度环境影响的建设项目，编制环境影响报告表报生态环境主管部门审批；纳入工程建设项目审批系统。",
        cond="建设项目符合生态环境分区管控要求，采取的污染防治措施能确保污染物排放达到国家和地方排放标准。",
        bases=[c.law(EIA_LAW, "第十六条"), c.law(EIA_LAW, "第二十二条"), c.reg("建设项目环境保护管理条例")],
        limit=(30, 10), legal_note="收到环境影响报告表之日起30日内作出审批决定；技术评估时间不计入", visits=0, depth=4,
        scope="none", pop=1980, base_level="tiered",
        result=("建设项目环境影响报告表审批意见", "document"),
        mats=[c.mat("建设项目环境影响报告表审批申请"), c.mat("环境影响报告表（全本）")],
    )
    b.item(
        c.HZST, "001502001000", "排污许可证核发",
        kind="licensing", topics=["environment", "permits"], audience="enterprise", aliases=("排污证", "排污许可"),
        summary="纳入固定污染源排污许可分类管理名录实行重点管理和简化管理的排污单位，通过全国排污许可证管理信息平台申领排污许可证。",
        cond="依法取得建设项目环境影响报告书（表）批准文件或办理登记表备案；污染物排放符合污染物排放标准和重点污染物排放总量控制要求。",
        bases=[c.reg("排污许可管理条例"), c.rule("排污许可管理办法")],
        limit=(30, 15), legal_note="简化管理的20日、重点管理的30日内作出审批决定", visits=0, depth=4, scope="none", pop=2240,
        result=("排污许可证", "license"), delivery=("electronic", "window"),
        handling=(("首次申请", "new"), ("变更", "change"), ("延续", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("排污许可证申请表"), c.BIZ_LICENSE(), c.mat("自行监测方案"),
              c.shared("环境影响评价审批文件", "省生态环境厅·建设项目环评审批信息"), c.mat("守法承诺书")],
    )
    b.item(
        c.HZST, "001502002000", "固定污染源排污登记",
        kind="filing", topics=["environment"], audience="enterprise", aliases=("排污登记",),
        summary="污染物产生量、排放量和对环境的影响程度很小、实行登记管理的排污单位，在线填报排污登记表，即时生成登记回执。",
        cond="纳入固定污染源排污许可分类管理名录实行登记管理的排污单位。",
        bases=[c.reg("排污许可管理条例"), c.norm("固定污染源排污许可分类管理名录")],
        limit=(1, 0), visits=0, depth=4, scope="none", pop=3650,
        result=("固定污染源排污登记回执", "other"), delivery=("electronic",),
        mats=[c.mat("固定污染源排污登记表", orig=0, notes="在全国排污许可证管理信息平台在线填报")],
    )
    b.item(
        c.STHJ, "001503001000", "危险废物经营许可证核发",
        kind="licensing", topics=["environment", "permits"], audience="enterprise", aliases=("危废经营许可",),
        summary="从事危险废物收集、贮存、利用、处置经营活动的单位，申请危险废物经营许可证。",
        cond="有符合条件的技术人员、运输工具、包装工具、贮存设施和处置设施，有保证危险废物经营安全的规章制度、污染防治措施和事故应急救援措施。",
        bases=[c.law("中华人民共和国固体废物污染环境防治法", "第八十条"), c.reg("危险废物经营许可证管理办法")],
        limit=(20, 15), legal_note="自受理申请之日起20个工作日内审查，现场核查时间不计入", visits=1, depth=3, scope="none", pop=170,
        result=("危险废物经营许可证", "license"),
        mats=[c.mat("危险废物经营许可证申请书"), c.BIZ_LICENSE(), c.mat("技术人员专业和工作经历证明"),
              c.mat("处置设施、设备清单及工艺说明"), c.mat("事故应急救援预案")],
    )
    b.item(
        c.STHJ, "001504001000", "辐射安全许可证核发",
        kind="licensing", topics=["environment", "health-care"], audience="enterprise", aliases=("辐射许可", "射线装置许可"),
        summary="生产、销售、使用放射性同位素和射线装置的单位申请辐射安全许可证（省级发证权限）。",
        cond="有与所从事的活动相适应的专业技术人员和辐射防护负责人；有符合要求的场所、设施和设备；有健全的操作规程、岗位职责、辐射防护和安全保卫制度。",
        bases=[c.reg("放射性同位素与射线装置安全和防护条例"), c.rule("放射性同位素与射线装置安全许可管理办法")],
        limit=(20, 15), visits=0, depth=4, scope="none", pop=520,
        result=("辐射安全许可证", "license"),
        handling=(("新申请", "new"), ("重新申请", "other"), ("变更", "change"), ("延续", "renewal"), ("注销", "cancellation")),
        mats=[c.mat("辐射安全许可证申请表"), c.BIZ_LICENSE(), c.mat("环境影响评价文件批复"),
              c.mat("辐射工作人员培训合格证明"), c.mat("辐射安全管理制度和事故应急预案")],
    )
