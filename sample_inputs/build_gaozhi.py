"""Build the 高职 samples (edition gaozhi-2020) from the edition's blank workbooks:

    python sample_inputs/build_gaozhi.py

writes sample_inputs/gaozhi/学校/ with three fictional colleges — an engineering college run by the
education authority, a health college run by another department and a private business college —
and sample_inputs/gaozhi/北京市.xlsx, the city's own 封面 and 正文. The colleges' counts and amounts
add up to the Beijing totals of 2019 and 2020 published in seed 003 (学生发展表, 教育教学表, 办学条件表,
国际影响表, 科研与社会服务表), split among them by each college's size and profile (an engineering
college has more equipment and research income, a health college more teachers per student); their
typed rates and averages (月收入, 满意度, 生均财政拨款 …) are each college's own, in seed 003's ranges.
Four of seed 003's 2019 totals change by more than half into 2020 (the pandemic year: 线上课程 up,
境外实习 and 培训到款 down); the sample's 上年 of those is a plausible value instead (SEED_2019 keeps the
seed's), and each college changes from 上年 to 本年 as the city does, so that the sample workbooks raise
no large-change warning — a warning a sample raises should be one it demonstrates.
Each college writes its own text for every chapter and its cases. Then:

    vqr render sample_inputs/gaozhi/学校/北京海川职业技术学院.xlsx -o 学院报告.docx
    vqr aggregate sample_inputs/gaozhi/北京市.xlsx sample_inputs/gaozhi/学校/*.xlsx --level city -o 北京市高职报告.docx
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from fill_workbook import fill  # noqa: E402

from vqr_author.api import new_workbook  # noqa: E402
from vqr_author.edition import load_edition  # noqa: E402

EDITION = "gaozhi-2020"
OUT_DIR = HERE / "gaozhi"

# Seed 003 (2019, 2020), Beijing's 高职 colleges together; None where the seed has no value.
CITY = {
    "GM01": (70100, 72800), "GM02": (50697, 70722),
    "XS01": (19349, 21380), "XS02": (17875, 19305), "XS03": (13649, 15059), "XS04": (620, 759),
    "XS05": (10948, 9010), "XS06": (1235, 1177), "XS11": (9800, 10100), "XS12": (820, 760), "XS14": (5200, 5400),
    "XS16": (15000, 16500),
    "JX01": (9917, 9009), "JX02": (9142, 8764), "JX03": (4799, 4261), "JX04": (3592, 2581), "JX05": (1779, 1556),
    "JX07": (207020, 165436), "JX08": (25275813.78, 18290057.96), "JX09": (3880270.58, 2773871.6),
    "JX10": (23594, 13672), "JX11": (5100, 6228), "JX13": (1200, 1100),
    "TJ01": (326025.2, 445096.9), "TJ02": (2441060, 2454053), "TJ03": (77811, 80080), "TJ06": (3626.25, 4187.11),
    "GJ01": (182986, 165954), "GJ02": (560, 482), "GJ03": (1899, 1027), "GJ04": (28, 18), "GJ05": (18, 10),
    "GJ06": (208, 171), "GJ07": (91, 64), "GJ08": (7, 5),
    "KY01": (3493.71, 4521.63), "KY02": (8436.86, 8945.82), "KY03": (3242.91, 3864.46), "KY04": (598.58, 629.35),
    "KY05": (977416, 876052), "KY06": (700396, 640200), "KY07": (22312, 20410), "KY08": (5479, 6020),
    "KY09": (54424, 50310), "KY10": (9800.00, 8403.16),
}
SEED_2019 = {"XS04": 466, "JX11": 2366, "GJ02": 2659, "KY10": 53705.57}  # seed 003's own 2019 totals of those four
# Parts split among the colleges in proportion to each college's whole (就业人数 by 毕业生人数), so no
# college has more of a part than of its whole.
PART_OF = {"XS02": "XS01", "XS03": "XS02", "XS04": "XS02", "XS05": "XS02", "XS06": "XS02", "XS11": "XS02",
           "JX03": "JX02", "JX04": "JX03", "JX05": "JX03", "JX09": "JX08", "JX11": "JX10",
           "KY06": "KY05", "KY07": "KY05", "KY08": "KY05", "KY09": "KY05"}


@dataclass(frozen=True)
class College:
    name: str
    code: str
    sponsor: str  # 举办者类型
    size: float  # share of the city's students
    profile: dict[str, float]  # indicator code prefix → how much more (or less) of it than its size says
    typed: dict[str, tuple[float | None, float | None]]  # its own rates and averages (上年, 本年)
    majors: list[tuple[str, str, float, float]]  # 专业代码, 专业名称, share of students, employment rate
    text: dict[str, str] = field(default_factory=dict)
    cases: list[tuple[str, str, str]] = field(default_factory=list)


def _source(sponsor: str) -> str:
    """主要办学经费来源（单选）."""
    return "行业或企业" if sponsor == "民办" else "省级"


COLLEGES = [
    College(
        "北京海川职业技术学院", "4111051001", "教育部门", 0.5,
        {"JX0": 1.0, "JX1": 1.3, "TJ01": 1.35, "TJ02": 1.05, "TJ03": 1.15, "TJ06": 1.5, "GJ": 1.45, "KY": 1.55, "XS11": 1.3},
        {"XS07": (82.10, 76.35), "XS08": (4620.50, 5012.80), "XS09": (1.12, 0.58), "XS10": (97.95, 96.10),
         "XS13": (51.20, 53.40), "XS15": (94.60, 94.85), "JX12": (None, 72), "TJ04": (61250.40, 63880.15),
         "TJ05": (16320.10, 9105.30), "TJ07": (310, 335), "TJ08": (560.00, 610.00), "TJ09": (420.00, 450.00),
         "TJ10": (45.00, 48.00), "TJ11": (45.00, 48.00)},
        [("610201", "计算机应用技术", 0.30, 0.93), ("610205", "软件技术", 0.22, 0.95), ("560301", "机电一体化技术", 0.20, 0.91),
         ("560309", "工业机器人技术", 0.13, 0.94), ("630302", "会计", 0.15, 0.86)],
        {
            "前言": "2020 年是学院“十三五”规划收官之年。面对新冠肺炎疫情，学院统筹疫情防控和教育教学，"
                    "坚持“停课不停学、停课不停教”，以“双高”建设为牵引，推进专业群建设、“三教”改革和产教融合，"
                    "人才培养质量和社会服务能力稳步提升。",
            "1": "学院是北京市教育委员会主管的公办高等职业院校，现有东、西两个校区，设有智能制造、信息技术、"
                 "经济管理三个二级学院。",
            "1.1": "学院现有全日制高职在校生 3 万余人，2020 年完成高职扩招任务，面向退役军人、下岗职工和"
                   "农民工招收社会生源 420 人，单独编班、弹性学制、分类培养。",
            "1.2": "学院对接北京“高精尖”产业布局，形成以计算机应用技术、软件技术为核心的信息技术专业群和"
                   "以机电一体化技术、工业机器人技术为核心的智能制造专业群，2020 年新增大数据技术与应用专业。",
            "2": "学院坚持立德树人，把思想政治工作贯穿人才培养全过程，推动学生德智体美劳全面发展。",
            "2.1": "学院落实“三全育人”综合改革，构建思政课程与课程思政同向同行的育人格局。",
            "2.1.1": "疫情期间，学院党委书记、院长带头讲授“抗疫第一课”，思政课教师开发“战疫思政”线上专题 12 讲，"
                     "覆盖全体在校生。",
            "2.1.2": "学院以“工匠文化节”为载体，举办技能作品展、非遗进校园等活动 36 场，建成校史馆和智能制造文化长廊。",
            "2.2": "学院落实“一生一策”就业帮扶，举办线上双选会 8 场，提供岗位 6000 余个；"
                   "毕业生主要面向京津冀电子信息、先进制造企业就业。",
            "2.3": "学院建成 2000 平方米的大学生创新创业园，入驻学生团队 28 个；"
                   "在第六届中国国际“互联网+”大学生创新创业大赛北京赛区获金奖 1 项、银奖 2 项。",
            "3": "学院深化“三教”改革，以专业群建设带动课程、教材和教学方法改革。",
            "3.1": "学院 2 个专业群入选北京市特色高水平骨干专业群，参与 1+X 证书试点 9 个，"
                   "与龙头企业共建工程师学院 2 个。",
            "3.2": "学院实施教师素质提升计划，按专业群组建结构化教学团队。",
            "3.2.1": "学院把师德师风作为教师评价的第一标准，开展师德专题培训和“最美教师”评选，"
                     "实行师德失范“一票否决”。",
            "3.2.2": "学院选派 86 名专业教师到合作企业实践，聘请企业技术骨干担任兼职教师，"
                     "“双师素质”教师比例稳步提高。",
            "4": "学院落实北京市职业教育改革政策，统筹财政资金和自筹资金保障办学条件。",
            "4.1": "2020 年学院财政拨款保持稳定，专项经费重点投向智能制造实训基地、在线课程和教师培训。",
            "5": "学院与德国、新加坡职业院校合作开展线上课程与师资培训，承接“鲁班工坊”海外师资研修项目。",
            "6": "学院发挥专业优势开展技术服务和职业培训，为区域中小企业提供设备改造、软件开发等技术服务 60 余项。",
            "7": "学院在高层次技术技能人才培养、横向科研能力方面仍有差距，下一步将以“双高”建设为牵引，"
                 "加强高水平教学创新团队建设，提升技术服务能力。",
        },
        [("2.1.1", "落实立德树人根本任务，校领导班子集体开讲思政课",
          "疫情期间，学院党委书记、院长和班子成员分别走上“云讲台”，结合抗疫中的感人事迹讲授思政课，"
          "引导学生把个人成长融入国家发展，累计 2.8 万人次在线听课。"),
         ("3.1", "校企共建工程师学院，探索智能制造人才培养新路径",
          "学院与智能装备龙头企业共建工程师学院，引入企业真实项目和工程师团队，实行“双导师”培养，"
          "学生在校内即可完成企业岗位的项目训练，首届学员全部被合作企业录用。"),
         ("3.2.2", "开展“双师型”教师认定，助力双师型教师培养",
          "学院制定“双师型”教师认定办法，将企业实践、技术服务和技能证书纳入认定条件，"
          "首批认定“双师型”教师 120 名，并与职称评聘、绩效分配挂钩。")],
    ),
    College(
        "北京西山卫生职业学院", "4111051002", "其他部门", 0.3,
        {"JX0": 1.12, "JX1": 0.9, "TJ01": 0.8, "TJ02": 1.1, "TJ03": 0.95, "TJ06": 0.55, "GJ": 0.6, "KY": 0.5, "XS11": 1.45},
        {"XS07": (88.64, 83.20), "XS08": (4388.00, 4795.60), "XS09": (0.46, 0.31), "XS10": (98.60, 97.02),
         "XS13": (47.85, 50.16), "XS15": (95.12, 95.40), "JX12": (None, 58), "TJ04": (64410.22, 66105.70),
         "TJ05": (17880.45, 9870.20), "TJ07": (420, 455), "TJ08": (820.00, 875.00), "TJ09": (700.00, 720.00),
         "TJ10": (52.00, 55.00), "TJ11": (52.00, 55.00)},
        [("620201", "护理", 0.55, 0.95), ("620301", "药学", 0.20, 0.90), ("620811", "康复治疗技术", 0.15, 0.92),
         ("620401", "医学检验技术", 0.10, 0.88)],
        {
            "前言": "2020 年，学院师生在抗击新冠肺炎疫情中践行医者使命，学院坚持以服务首都卫生健康事业为宗旨，"
                    "推进医教协同、院校合作，护理、药学等专业人才培养质量持续提升。",
            "1": "学院是市卫生健康委员会主办的公办医药卫生类高等职业院校，附属医院 1 所，教学医院和实习基地 42 个。",
            "1.1": "学院全日制高职在校生规模保持稳定，护理专业在校生占全院一半以上；2020 年招收“3+2”中高职衔接学生 380 人。",
            "1.2": "学院围绕健康中国战略设置护理、药学、康复治疗技术、医学检验技术四个专业，"
                   "护理专业入选北京市特色高水平骨干专业。",
            "2": "学院以“大医精诚”为校训，培养有温度、有担当的医药卫生技术技能人才。",
            "2.1": "学院将医学人文教育和职业精神培养融入课堂、实训和临床实习。",
            "2.1.1": "学院邀请驰援武汉的校友医护人员走进云课堂，讲述抗疫一线故事，开展“致敬最美逆行者”主题教育。",
            "2.1.2": "学院举办“5·12”国际护士节授帽仪式和医药文化节，建设中医药文化长廊，营造医学人文氛围。",
            "2.2": "学院毕业生主要在二级以上医院、社区卫生服务中心和医药企业就业，"
                   "护士执业资格考试通过率保持在 95% 以上。",
            "2.3": "学院开设“健康服务创新创业”选修课，学生团队的社区健康管理项目获北京市职业院校创新创业大赛二等奖。",
            "3": "学院推进医教协同，实行“早临床、多临床、反复临床”的人才培养模式。",
            "3.1": "学院对接临床岗位标准修订人才培养方案，开发活页式教材 6 部，建成虚拟仿真实训中心。",
            "3.2": "学院实行“双聘双挂”制度，临床专家到校授课，专业教师到医院临床一线实践。",
            "3.2.1": "学院开展“最美医学教师”评选，将师德表现纳入年度考核和职称评审。",
            "3.2.2": "学院与附属医院共建“双师型”教师培养基地，专业教师每五年累计临床实践不少于 6 个月。",
            "4": "学院举办单位持续加大投入，保障实训设备更新和临床教学基地建设。",
            "4.1": "2020 年学院生均财政拨款继续增长，专项经费主要用于护理虚拟仿真实训中心和临床教学能力提升。",
            "5": "学院与澳大利亚、日本的护理院校开展线上学术交流，引进国际护理职业标准开发双语课程 3 门。",
            "6": "学院面向社区开展健康科普和养老护理员、母婴护理员培训，疫情期间组织师生参与社区防控志愿服务。",
            "7": "学院实训条件与临床新技术发展仍有差距，将加快智慧护理实训平台建设，深化与区域医疗集团的合作。",
        },
        [("2.1.1", "致敬最美逆行者，校友医护人员走进云课堂",
          "学院邀请驰援武汉的 6 名校友护士通过直播讲述抗疫经历，2000 余名学生在线聆听，"
          "学生们纷纷表示要以学长为榜样，坚定从医初心。"),
         ("2.2", "医教协同拓岗位，护理专业毕业生就业稳中有升",
          "学院联合 30 余家医疗机构举办线上专场招聘，推行“实习—就业”一体化，"
          "护理专业毕业生到二级以上医院就业的比例明显提高。"),
         ("3.1", "建设护理虚拟仿真实训中心，破解临床实训难题",
          "疫情期间学生无法进入医院实习，学院建成护理虚拟仿真实训中心，开发急救、重症护理等虚拟项目 24 个，"
          "学生在仿真环境中反复训练，临床思维能力显著提高。")],
    ),
    College(
        "北京京华商贸职业学院", "4111051003", "民办", 0.2,
        {"JX0": 0.78, "JX1": 0.65, "TJ01": 0.5, "TJ02": 0.75, "TJ03": 0.8, "TJ06": 0.6, "GJ": 0.85, "KY": 0.3, "XS11": 0.1},
        {"XS07": (61.30, 55.42), "XS08": (4105.30, 4406.90), "XS09": (2.85, 1.24), "XS10": (96.20, 93.48),
         "XS13": (52.30, 53.05), "XS15": (91.88, 91.36), "JX12": (None, 66), "TJ04": (8200.00, 7650.00),
         "TJ05": (1200.00, 860.00), "TJ07": (240, 262), "TJ08": (300.00, 320.00), "TJ09": (0, 0),
         "TJ10": (38.00, 40.00), "TJ11": (0, 0)},
        [("630701", "市场营销", 0.30, 0.89), ("630801", "电子商务", 0.30, 0.91), ("640101", "旅游管理", 0.20, 0.84),
         ("630302", "会计", 0.20, 0.87)],
        {
            "前言": "2020 年，学院克服疫情对旅游、商贸行业的冲击，推动专业与新业态融合发展，"
                    "直播电商、新零售等新方向建设取得进展，办学活力进一步增强。",
            "1": "学院是经北京市人民政府批准设立的民办高等职业院校，由商贸企业集团举办，实行董事会领导下的院长负责制。",
            "1.1": "学院全日制高职在校生规模稳中有升，生源以北京、河北为主；学院与举办方集团共建校外实训基地 35 个。",
            "1.2": "学院设置市场营销、电子商务、旅游管理、会计四个专业，形成现代商贸服务专业群，"
                   "2020 年增设直播电商方向。",
            "2": "学院坚持“诚信为本、商以载道”，培养德技并修的商贸服务人才。",
            "2.1": "学院以商业伦理和诚信教育为特色开展思想政治教育。",
            "2.1.1": "学院开设“商道与诚信”课程思政示范课，组织学生走访老字号企业，感受“诚信经营”的商业文化。",
            "2.1.2": "学院举办营销技能文化节和模拟商业街活动，学生社团达到 42 个。",
            "2.2": "受疫情影响旅游行业岗位减少，学院拓展电商、新零售岗位，引导毕业生到中小微企业和基层就业。",
            "2.3": "学院建成直播电商创业工作室 12 间，学生团队助农直播销售农产品 80 余万元，"
                   "自主创业比例保持全市高职院校前列。",
            "3": "学院依托举办方集团推行“店校合一”，把真实门店和电商平台搬进课堂。",
            "3.1": "学院参与电子商务数据分析、网店运营推广等 1+X 证书试点，建成新零售实训中心。",
            "3.2": "学院通过集团内部挂职和企业专家兼职，建设专兼结合的教师队伍。",
            "3.2.1": "学院制定教师职业行为准则，开展师德师风专题教育和警示教育。",
            "3.2.2": "学院安排专业教师到集团门店和电商平台挂职锻炼，企业兼职教师承担实践课程。",
            "4": "学院举办方持续投入，保障教学设施更新；学院依法享受民办教育扶持政策。",
            "4.1": "学院办学经费以举办方投入和学费收入为主，2020 年重点投入直播电商实训室和智慧教室建设。",
            "5": "学院与泰国、马来西亚院校合作开展旅游管理专业线上交流，接收短期留学生 35 人。",
            "6": "学院面向社区和中小商户开展电商运营、直播营销培训，服务区域商贸流通和乡村振兴。",
            "7": "学院专任教师中高级职称比例偏低，科研和技术服务能力较弱，将加大人才引进和教师培养力度。",
        },
        [("2.3", "直播助农进课堂，电商专业学生创业实践成效显著",
          "学院与河北、内蒙古的农产品合作社合作，学生团队在直播电商实训室开展助农直播 120 余场，"
          "在实践中掌握选品、运营和数据分析技能，3 个团队注册成立电商公司。"),
         ("3.1", "推行“店校合一”，把真实门店搬进课堂",
          "学院与举办方集团共建新零售实训中心，引入真实门店和订单，学生轮岗担任店长、营销和客服，"
          "教学内容随业态更新，学生岗位适应期明显缩短。")],
    ),
]

CITY_TEXT = {
    "前言": "2020 年，北京高等职业教育在抗击新冠肺炎疫情中经受考验。全市高职院校坚持立德树人，统筹疫情防控与"
            "教育教学，推进“双高”“特高”建设，深化产教融合、校企合作，服务首都“四个中心”功能建设的能力持续增强。"
            "本报告依据各院校报送的质量年报数据编制。",
    "1": "北京市高职院校由教育部门、其他部门和民办三类举办者举办，专业覆盖电子信息、装备制造、医药卫生、财经商贸等大类。",
    "1.1": "2020 年全市高职院校落实高职扩招任务，面向退役军人、下岗职工、农民工等群体扩大招生，办学规模稳中有升。",
    "1.2": "全市高职院校对接首都产业发展调整专业结构，电子信息、医药卫生、财经商贸大类在校生较多，"
           "新增大数据、人工智能、智慧健康养老等相关专业。",
    "2": "全市高职院校把立德树人作为根本任务，构建德智体美劳全面培养的教育体系。",
    "2.1": "各院校落实“三全育人”，推进思政课程与课程思政协同育人。",
    "2.1.1": "疫情期间，各院校结合战“疫”事件开展线上思政教育，校领导带头讲授思政课，引导学生厚植家国情怀。",
    "2.1.2": "各院校开展校园文化节、非遗进校园、医药文化节等活动，形成各具特色的文化育人品牌。",
    "2.2": "全市高职院校积极应对疫情影响，开展高校毕业生就业“暖冬”计划，多渠道挖掘就业岗位，毕业生就业总体稳定。",
    "2.3": "各院校将创业实践与专业教育相结合，建设创新创业园和直播电商工作室，学生在各级创新创业大赛中取得佳绩。",
    "3": "各院校深化“三教”改革，以专业群建设带动课程、教材和教学方法改革。",
    "3.1": "全市高职院校推进特色高水平骨干专业（群）建设，全面开展 1+X 证书制度试点，校企共建工程师学院和大师工作室。",
    "3.2": "全市高职院校实施教师素质提升计划，建设“双师型”教师培养培训基地，专兼结合的教师队伍结构持续优化。",
    "3.2.1": "各院校把师德师风作为教师评价的第一标准，健全师德考核和失范惩处机制。",
    "3.2.2": "北京市出台职业院校“双师型”教师认定办法，各院校开展认定工作，选派专业教师到企业和医院实践。",
    "4": "北京市稳定高职教育经费投入，落实民办教育扶持政策，为院校发展提供保障。",
    "4.1": "全市高职院校生均财政拨款保持较高水平，专项经费重点支持“双高”“特高”建设、实训基地和在线课程建设。",
    "5": "疫情期间各院校创新国际合作方式，开展线上课程、师资培训和学术交流，持续推进海外办学项目。",
    "6": "各院校发挥专业和人才优势，开展技术服务、职业培训和社区服务，积极参与疫情防控和对口帮扶。",
    "7": "北京高职教育服务首都新发展格局的能力尚需提升，综合评价体系有待完善；"
         "下一步将加快紧缺技术技能人才培养，构建以学生发展为中心的评价体系。",
}


def _profile(college: College, code: str) -> float:
    """How much of ``code`` the college has against its share of students: the longest matching prefix."""
    matches = [prefix for prefix in college.profile if code.startswith(prefix)]
    return college.profile[max(matches, key=len)] if matches else 1.0


def _split(total: float | None, weights: list[float], integer: bool) -> list[float | int | None]:
    """``total`` shared by ``weights``, rounded so that the parts add up to it exactly (largest remainder)."""
    if total is None:
        return [None] * len(weights)
    step = 1 if integer else 0.01
    units = round(total / step)
    raw = [units * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: units - sum(parts)]:
        parts[i] += 1
    return [p if integer else round(p * step, 2) for p in parts]


def college_values(edition) -> list[dict[str, tuple]]:
    """Each college's (上年, 本年) for every summed indicator: the city's total split by size, profile and
    a little noise of the college's own; parts in proportion to the college's whole."""
    noise = random.Random(2020)
    values: list[dict[str, tuple]] = [{} for _ in COLLEGES]
    for code in CITY:  # wholes before their parts: PART_OF names codes earlier in CITY
        integer = edition.indicator(code).kind.value == "count"
        spread = 0.03 if code in PART_OF else 0.1
        own = [noise.uniform(1 - spread, 1 + spread) for _ in COLLEGES]  # the same both years: a college moves as the city
        years = []
        for year in (0, 1):
            if code in PART_OF:
                whole = PART_OF[code]
                weights = [v[whole][year] * _profile(c, code) * n for c, v, n in zip(COLLEGES, values, own)]
            else:
                weights = [c.size * _profile(c, code) * n for c, n in zip(COLLEGES, own)]
            years.append(_split(CITY[code][year], weights, integer))
        for i, v in enumerate(values):
            v[code] = (years[0][i], years[1][i])
    return values


def _majors(college: College, students: int, graduates: int, employed: int) -> list[list]:
    """专业 rows whose students, graduates and employed add up to the college's totals."""
    shares = [m[2] for m in college.majors]
    by_students, by_graduates = _split(students, shares, True), _split(graduates, shares, True)
    by_employed = _split(employed, [g * m[3] for g, m in zip(by_graduates, college.majors)], True)
    return [[code, name, s, g, min(e, g)] for (code, name, _, _), s, g, e in
            zip(college.majors, by_students, by_graduates, by_employed)]


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition(EDITION)
    schools = out_dir / "学校"
    schools.mkdir(parents=True, exist_ok=True)
    paths = []
    for college, values in zip(COLLEGES, college_values(edition)):
        path = schools / f"{college.name}.xlsx"
        new_workbook(path, edition=edition)
        source = _source(college.sponsor)
        cover = {"单位名称": college.name, "学校代码": college.code, "举办者类型": college.sponsor, "报告年度": 2020,
                 "发布单位": college.name, "发布日期": "2021年3月", "公开网址": f"https://www.example.edu.cn/{college.code}/zlnb/2020",
                 "公开形式": "学校官网公开"}
        majors = _majors(college, values["GM01"][1], values["XS01"][1], values["XS02"][1])
        fill(path, edition, cover=cover, values={**values, **college.typed, "TJ12": (source, source)},
             records={"专业": majors}, text=college.text, cases=college.cases)
        paths.append(path)
    city = out_dir / "北京市.xlsx"
    new_workbook(city, edition=edition, level="city")
    fill(city, edition, cover={"区域名称": "北京市", "报告年度": 2020, "发布单位": "北京市教育委员会", "发布日期": "2021年3月",
                               "公开网址": "https://jw.beijing.example.gov.cn/zlnb/2020", "公开形式": "市教委官方网站公开"},
         text=CITY_TEXT)
    return [city, *paths]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
