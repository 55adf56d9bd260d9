"""Build the 高职 samples (edition gaozhi-2020) from the edition's blank workbooks:

    python sample_inputs/build_gaozhi.py

writes sample_inputs/gaozhi/学校/ with three fictional colleges whose values add up to about the
Beijing figures of 2019 and 2020 published in seed 003 (学生发展表, 教育教学表, 办学条件表, 国际影响表,
科研与社会服务表), and sample_inputs/gaozhi/北京市.xlsx, the city's own 封面 and 正文. Then:

    vqr render sample_inputs/gaozhi/学校/北京海川职业技术学院.xlsx -o 学院报告.docx
    vqr aggregate sample_inputs/gaozhi/北京市.xlsx sample_inputs/gaozhi/学校/*.xlsx --level city -o 北京市高职报告.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vqr_author.api import new_workbook  # noqa: E402
from vqr_author.edition import load_edition  # noqa: E402

EDITION = "gaozhi-2020"
OUT_DIR = HERE / "gaozhi"

# Seed 003 (2019, 2020), Beijing's 高职 colleges together; None where the seed has no value.
CITY = {
    "GM01": (70100, 72800), "GM02": (50697, 70722),
    "XS01": (19349, 21380), "XS02": (17875, 19305), "XS03": (13649, 15059), "XS04": (466, 759),
    "XS05": (10948, 9010), "XS06": (1235, 1177), "XS11": (9800, 10100), "XS12": (820, 760), "XS14": (5200, 5400),
    "XS16": (15000, 16500),
    "JX01": (9917, 9009), "JX02": (9142, 8764), "JX03": (4799, 4261), "JX04": (3592, 2581), "JX05": (1779, 1556),
    "JX07": (207020, 165436), "JX08": (25275813.78, 18290057.96), "JX09": (3880270.58, 2773871.6),
    "JX10": (23594, 13672), "JX11": (2366, 6228), "JX13": (1200, 1100),
    "TJ01": (326025.2, 445096.9), "TJ02": (2441060, 2454053), "TJ03": (77811, 80080), "TJ06": (3626.25, 4187.11),
    "GJ01": (182986, 165954), "GJ02": (2659, 482), "GJ03": (1899, 1027), "GJ04": (28, 18), "GJ05": (18, 10),
    "GJ06": (208, 171), "GJ07": (91, 64), "GJ08": (7, 5),
    "KY01": (3493.71, 4521.63), "KY02": (8436.86, 8945.82), "KY03": (3242.91, 3864.46), "KY04": (598.58, 629.35),
    "KY05": (977416, 876052), "KY06": (700396, 640200), "KY07": (22312, 20410), "KY08": (5479, 6020),
    "KY09": (54424, 50310), "KY10": (53705.57, 8403.16),
}
# Typed rates and averages: the same in every college, so the pooled value is the seed's.
TYPED = {"XS07": (80.45, 74.72), "XS08": (4455.31, 4837.50), "XS09": (1.27, 0.62), "XS10": (97.79, 95.76),
         "XS13": (50.39, 52.36), "XS15": (94.10, 94.22), "JX12": (None, 68), "TJ04": (60139.39, 62292.99),
         "TJ05": (15509.31, 8522.61)}
COLLEGES = [
    # name, code, sponsor, share of the city, majors (code, name, share of the college's students)
    ("北京海川职业技术学院", "4111051001", "教育部门", 0.5,
     [("610201", "计算机应用技术", 0.4), ("630302", "会计", 0.35), ("560301", "机电一体化技术", 0.25)]),
    ("北京西山卫生职业学院", "4111051002", "其他部门", 0.3, [("620201", "护理", 0.7), ("620301", "药学", 0.3)]),
    ("北京京华商贸职业学院", "4111051003", "民办", 0.2, [("630701", "市场营销", 0.6), ("640101", "旅游管理", 0.4)]),
]
TEXT = {
    "1.1": "学院坚持以立德树人为根本任务，面向首都城市运行和产业发展需求办学。",
    "2.2": "学院落实“一生一策”就业帮扶，拓展线上就业服务渠道，毕业生就业总体稳定。",
    "2.1.1": "学院结合抗疫事件开展线上线下思政育人，强化学生的家国情怀。",
    "2.1.2": "学院开展多彩校园文化活动，打造文化育人亮点。",
    "3.2": "学院实施教师素质提升计划，建设“双师型”教师培养培训基地。",
    "3.2.1": "学院按照“四有好老师”标准加强师德师风建设。",
    "3.2.2": "学院开展“双师型”教师认定，选派专业教师到企业实践。",
    "7": "学院服务首都新发展格局的能力尚需提升，将加快紧缺技术技能人才培养。",
}
# Cases (章节, 标题, 正文): numbered per chapter in the report, 案例 2-1, 案例 2-2, 案例 3-1.
CASES = [
    ("2.1.1", "落实立德树人根本任务，校领导班子集体开讲思政课", "学院党委书记、院长带头走上讲台，讲授抗疫中的思政课。"),
    ("2.2", "落实“一生一策”，圆满完成就业工作", "学院为每名未就业毕业生制定帮扶方案，跟踪到岗。"),
    ("3.2.2", "开展“双师型”教师认定，助力双师型教师培养", "学院制定“双师型”教师认定办法，首批认定教师 120 名。"),
]


def _share(value: float | None, share: float, integer: bool) -> float | int | None:
    if value is None:
        return None
    return round(value * share) if integer else round(value * share, 2)


def _fill(path: Path, cover: dict, values: dict, majors: list[list], text: dict, cases: list[tuple] = ()) -> None:
    wb = openpyxl.load_workbook(path)
    for row in wb["封面"].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    if "指标" in wb.sheetnames:
        for row in wb["指标"].iter_rows(min_row=2):
            if row[0].value in values:
                row[4].value, row[5].value = values[row[0].value]
        for values_row in majors:
            wb["专业"].append(values_row)
    for section, paragraph in text.items():
        wb["正文"].append([section, paragraph])
    for section, title, body in cases:
        wb["案例"].append([section, title, body])
    wb.save(path)


def _label(edition, code: str) -> str:
    section = edition.section(code)
    return section.label


def college(edition, folder: Path, name: str, code: str, sponsor: str, share: float, majors: list) -> Path:
    path = folder / f"{name}.xlsx"
    new_workbook(path, edition=edition)
    counts = {c: tuple(_share(v, share, edition.indicator(c).kind.value == "count") for v in pair) for c, pair in CITY.items()}
    source = "省级" if sponsor != "民办" else "行业或企业"  # 主要办学经费来源 (单选)
    values = {**counts, **TYPED, "TJ12": (source, source)}
    students, graduates, employed = counts["GM01"][1], counts["XS01"][1], counts["XS02"][1]
    rows, left = [], [students, graduates, employed]
    for i, (major_code, major_name, part) in enumerate(majors):
        last = i == len(majors) - 1
        row = [left[k] if last else round((students, graduates, employed)[k] * part) for k in range(3)]
        left = [a - b for a, b in zip(left, row)]
        rows.append([major_code, major_name, *row])
    cover = {"单位名称": name, "学校代码": code, "举办者类型": sponsor, "报告年度": 2020, "发布单位": name,
             "发布日期": "2021年3月", "公开网址": f"https://www.example.edu.cn/{code}/zlnb/2020", "公开形式": "学校官网公开"}
    _fill(path, cover, values, rows, {_label(edition, k): v for k, v in TEXT.items()},
          [(_label(edition, section), title, body) for section, title, body in CASES])
    return path


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition(EDITION)
    schools = out_dir / "学校"
    schools.mkdir(parents=True, exist_ok=True)
    paths = [college(edition, schools, *spec) for spec in COLLEGES]
    city = out_dir / "北京市.xlsx"
    new_workbook(city, edition=edition, level="city")
    _fill(city, {"区域名称": "北京市", "报告年度": 2020, "发布单位": "北京市教育委员会", "发布日期": "2021年3月",
                 "公开网址": "https://jw.beijing.example.gov.cn/zlnb/2020", "公开形式": "市教委官方网站公开"}, {}, [],
          {_label(edition, "2.2"): "全市高职院校积极应对疫情影响，多渠道挖掘就业岗位，毕业生就业总体情况良好。"})
    return [city, *paths]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
