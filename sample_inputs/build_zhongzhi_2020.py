"""Build the 2020 中职 sample (edition zhongzhi-2020) from the edition's blank workbook:

    python sample_inputs/build_zhongzhi_2020.py

writes sample_inputs/zhongzhi-2020/北京市西山职业学校.xlsx, a fictional school whose bases are chosen
so that the derived values come out at about the figures of seed 000's 2020 report (生师比 12:1,
对口就业率 97.2%, 计分卡, 资源表, 服务贡献表). Then:

    vqr render sample_inputs/zhongzhi-2020/北京市西山职业学校.xlsx -o 学校报告.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vqr_author.api import new_workbook  # noqa: E402
from vqr_author.edition import load_edition  # noqa: E402

EDITION = "zhongzhi-2020"
OUT_DIR = HERE / "zhongzhi-2020"
SCHOOL = "北京市西山职业学校"

# (2019, 2020)
VALUES = {
    "ZS01": (612, 978), "ZS02": (605, 969), "ZS03": (7, 9), "ZS04": (175, 199), "ZS05": (226, 276),
    "ZS06": (2299, 2380), "ZS07": (989, 848), "ZS08": (28578, 33907),
    "JS01": (330, 334), "JS02": (205, 198), "JS03": (172, 171), "JS04": (205, 198), "JS05": (76, 43),
    "JS06": (68, 59), "JS07": (140, 136), "JS08": (118, 118), "JS09": (3900, 4080), "JS10": (42000, 41000),
    "JS11": (10584, 5330),
    "SS01": (18081.88, 19109.33), "SS02": (2414, 2404), "SS03": (125000, 134400), "SS04": (780, 820),
    "SS05": (760, 800),
    "MY01": (96.5, 97.1), "MY02": (95.8, 96.4), "MY03": (94.2, 95.3), "MY04": (96.9, 97.31),
    "JY01": (639, 376), "JY02": (615, 366), "JY03": (350, 472), "JY04": (850, 736), "JY05": (12, 16),
    "JY06": (500, 299), "JY07": (560, 328), "JY08": (100, 58), "JY09": (97.0, 97.2), "JY10": (4600, 4650),
    "JY11": (97.5, 97.82), "JY12": (98.9, 99.12),
    "FW01": (0, 0), "FW02": (1.8, 2.5), "FW03": (0, 0),
}
# 专业: 专业名称, 毕业生数, 就业人数, 升学人数, 上年就业率 — they add up to ZS07, JY01 and JY03.
MAJORS = [
    ["计算机平面设计", 120, 50, 70, 100], ["电子商务", 150, 70, 80, 100], ["西餐烹饪", 180, 90, 90, 100],
    ["汽车运用与维修", 228, 96, 132, 100], ["学前教育", 170, 70, 100, 99.2],
]
# 资助: 项目, 资助人数, 资助金额（元）, 备注
AID = [
    ["国家助学金", 93, 189750, "低保家庭 35 人，低收入家庭 1 人，涉农专业 57 人。"],
    ["免学费", 737, 1773800, "其中涉农专业 57 人，农村家庭 624 人。"],
    ["国家奖学金", 2, 12000, None],
    ["北京市政府奖学金", 40, 80000, None],
]
TEXT = {

    "1.1": "学校是区教委主办的一所公办中职学校，形成主校区与三个实训校区的集团化办学格局。",
    "1.2": "全日制职高、贯通培养学生数稳步上升。",
    "1.3": "学校有正高级教师 1 名、北京市职教名师 2 名，市区级学科带头人、骨干教师 59 名。",
    "1.4": "学校对接企业标准选用真实设备，建设设施先进、管理规范的实训基地。",
    "2.1": "学校构建德育体系，落实立德树人根本任务，学生理想信念坚定，展现出良好的精神面貌。",
    "2.2": "学校完善学生联合会、学生代表会议制度，畅通意见反馈渠道，网络问卷调研显示学生在校满意度较高。",
    "2.3": "学校按照国家助学金、免学费等政策，完成本学年度各项资助工作。",
    "2.4": "各专业就业率继续保持较高水平，毕业生得到用人单位的高度认可。",
    "3.1": "学校发挥特色高水平骨干专业的引领作用，组建 6 个专业群。",
    "3.2": "学校坚持体教融合，以晨会、社团活动为载体开展德育工作。",
    "3.3": "学校推进线上线下混合式教学，落实公共基础课新课标。",
    "3.4": "学校围绕专业群建设开展教育教学研究，立项市区级课题。",
    "3.5": "学校分级分类开展教师培训，选派专业教师到企业实践。",
    "3.6": "学校与境外院校开展线上交流，引进国际职业资格标准。",
    "3.7": "学校推进晚自习改革，构建安全管理体系，建设平安校园。",
    "3.8": "学校党委践行党的宗旨，全心全意为师生服务。",
    "4.2": "学校规范学生实习管理，落实实习责任保险。",
    "4.3": "学校牵头职教集团，联合行业企业开展集团化办学。",
    "5.1": "学校为区域培养汽车、航空、数字媒体等领域的技术技能人才。",
    "5.3": "学校开展对口帮扶，为脱贫攻坚贡献力量。",
    "4.1": "学校与行业龙头企业共建产教融合平台，开展现代学徒制人才培养。",
    "5.2": "学校面向区域中小学开设劳动教育课程，助推职普融通。",
    "6": "学校德育为首，落实五育并举；开展项目教学，服务区域经济社会发展。",
    "7": "教师队伍建设仍需加强，校企合作仍需深化拓展。学校将以特高校建设为抓手，打造高水平教师队伍。",
}
CASES = [
    ("2.4", "对接新业态建平台，助学生成就出彩人生", "西餐烘焙专业毕业生在学校烘焙文化艺术学院平台上成为技能主播。"),
    ("3.1", "创新“双主体、项目化、技艺创融合”现代学徒制人才培养模式", "数字媒体艺术专业群与企业共建集群化产教融合平台。"),
]


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition(EDITION)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{SCHOOL}.xlsx"
    new_workbook(path, edition=edition)
    cover = {"单位名称": SCHOOL, "学校代码": "3111000001", "办学性质": "公办", "报告年度": 2020, "发布单位": SCHOOL,
             "发布日期": "2020年12月", "公开网址": "https://www.example.edu.cn/3111000001/zlnb/2020",
             "公开形式": "学校官网公开"}
    wb = openpyxl.load_workbook(path)
    for row in wb["封面"].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    for row in wb["指标"].iter_rows(min_row=2):
        if row[0].value in VALUES:
            row[4].value, row[5].value = VALUES[row[0].value]
    for sheet, rows in (("专业", MAJORS), ("资助", AID)):
        for values in rows:
            wb[sheet].append(values)
    for section, paragraph in TEXT.items():
        wb["正文"].append([edition.section(section).label, paragraph])
    for section, title, body in CASES:
        wb["案例"].append([edition.section(section).label, title, body])
    wb.save(path)
    return [path]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
