"""Build the sample workbook of a fictional school (北京市海川职业学校, report year 2024).

    python sample_inputs/build_sample.py

writes sample_inputs/school/海川职业学校.xlsx and its case photos in sample_inputs/school/照片/.
The workbook is made exactly as a school would: the blank form from `vqr init`, filled in. Every
number is internally consistent (parts add up, 专业 totals match the indicators), so `vqr check`
reports no errors. Narrative and cases come from sample_text.yaml.

It also writes 海川职业学校-含错误示例.xlsx, the same workbook carrying two mistakes found in a
published report (seed 000): 职称 parts that add up to 260 with 175 专任教师, and a rate typed as 0.95.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vqr_author.edition import load_edition  # noqa: E402
from vqr_author.workbook import build_blank_workbook  # noqa: E402
from vqr_author.workbook import contract as c  # noqa: E402

OUT_DIR = HERE / "school"
WORKBOOK_NAME = "海川职业学校.xlsx"
MISTAKES_NAME = "海川职业学校-含错误示例.xlsx"

COVER = {
    "单位名称": "北京市海川职业学校",
    "学校代码": "4111099901",
    "所属区县": "北京市海川区",
    "办学性质": "公办",
    "报告年度": "2024",
    "发布单位": "北京市海川职业学校",
    "发布日期": "2025年1月",
    "公开网址": "https://www.haichuan.example.edu.cn/zlnb/2024",
    "公开形式": "学校官方网站公开",
    "联系人": "校长办公室",
    "联系电话": "010-00000000",
}

# code: (上年 2023, 本年 2024)
INDICATORS: dict[str, tuple[object, object]] = {
    # 规模
    "GM01": (845, 912), "GM02": (815, 880), "GM03": (30, 32), "GM04": (170, 196), "GM05": (98, 120),
    "GM06": (2560, 2688), "GM07": (104, 108), "GM08": (28600, 31250),
    # 师资
    "SZ01": (158, 168), "SZ02": (55, 62), "SZ03": (54, 58), "SZ04": (68, 71), "SZ05": (66, 67),
    "SZ06": (47, 52), "SZ07": (188, 196), "SZ08": (40, 46), "SZ09": (16.2, 18.5),
    # 条件
    "TJ01": (186520, 186520), "TJ02": (92110, 98350), "TJ03": (34812.15, 36528.46), "TJ04": (14288.52, 15236.80),
    "TJ05": (148200, 152600), "TJ06": (2720, 2860),
    # 附表 1
    "F1-01": (790, 812), "F1-02": (779, 798), "F1-03": (421, 452), "F1-04": (28, 36), "F1-05": (95.9, 96.8),
    "F1-06": (4720, 4860), "F1-07": (350, 338), "F1-08": (24, 21), "F1-09": (104, 96), "F1-10": (222, 221),
    "F1-11": (1.14, 1.23), "F1-12": (26.9, 28.6),
    # 附表 2: rates
    "F2-01": (97.31, 97.85), "F2-02": (97.52, 98.04), "F2-03": (96.88, 97.26), "F2-04": (98.10, 98.42),
    "F2-05": (97.05, 97.63), "F2-06": (97.66, 98.11), "F2-07": (97.80, 98.02), "F2-08": (98.21, 98.40),
    "F2-09": (97.12, 97.54), "F2-10": (96.35, 96.90), "F2-11": (98.90, 99.12), "F2-12": (97.45, 97.96),
    # 附表 3
    "F3-01": (5, 6), "F3-02": (14, 14), "F3-03": (271, 286), "F3-04": (39650, 41280), "F3-05": (36, 42),
    "F3-06": (5040, 5880), "F3-07": (51, 58), "F3-08": (6120, 6960), "F3-09": (68, 76), "F3-10": (10200, 11400),
    "F3-11": (3, 4), "F3-12": (0, 0), "F3-13": (0, 0), "F3-14": (1, 1), "F3-15": (1, 1), "F3-16": (2, 3),
    "F3-17": (0, 1), "F3-18": (15, 18), "F3-19": (900, 1080), "F3-20": (172, 186), "F3-21": (1, 1),
    "F3-22": (1, 1), "F3-23": (3, 4), "F3-24": (1, 2), "F3-25": (11, 13), "F3-26": (2, 3), "F3-27": (2, 3),
    "F3-28": (0, 0), "F3-29": (0, 0), "F3-30": (1, 1), "F3-31": (0, 1), "F3-32": (1, 2), "F3-33": (0, 0),
    "F3-34": (9, 12), "F3-35": (1, 2), "F3-36": (5, 7), "F3-37": (3, 5), "F3-38": (0, 1),
    "F3-39": (1000, 2000), "F3-40": (10000, 10000),
    # 附表 4
    "F4-01": (350, 338), "F4-02": (312, 301), "F4-03": (1, 2), "F4-04": (236, 229), "F4-05": (102, 96),
    "F4-06": (62.30, 86.50), "F4-07": (185.00, 260.00), "F4-08": (38.20, 45.60), "F4-09": (0, 0),
    "F4-10": (12, 18), "F4-11": (7, 11), "F4-12": (1, 2), "F4-13": (0, 1), "F4-14": (0, 3.20),
    "F4-15": (41, 46), "F4-16": (7920, 8650), "F4-17": (1180, 1260), "F4-18": (286.40, 312.60),
    # 附表 5
    "F5-01": (1, 3), "F5-02": (1, 2), "F5-03": (1, 1), "F5-04": (0, 1), "F5-05": (0, 1), "F5-06": (0, 0),
    "F5-07": (0, 0), "F5-08": (0, 0), "F5-09": (0, 4), "F5-10": (1, 1), "F5-11": (78, 86), "F5-12": (0, 42),
    "F5-13": (1, 2), "F5-14": (0, 1),
    # 附表 6
    "F6-01": (2466, 2580), "F6-02": (41250.00, 42680.00), "F6-03": (3520.00, 3860.50), "F6-04": (268, 268),
    "F6-05": (254, 262), "F6-06": (188, 196), "F6-07": (12, 14), "F6-08": (11, 12), "F6-09": (8, 9),
    "F6-10": (104, 108), "F6-11": (2410, 2512), "F6-12": (92.10, 93.45), "F6-13": (1150, 1286),
    "F6-14": (480.00, 620.00), "F6-15": (1, 2), "F6-16": (31, 38), "F6-17": (2, 3), "F6-18": (2410, 2860),
    "F6-19": (72.30, 86.40), "F6-20": (46.00, 52.00), "F6-21": (7.80, 8.60),
}

# Seed 000's mistakes: 高级 77 + 中级 49 + 初级 134 = 260 "专任教师" when there are 175; 0.95 for 95%.
MISTAKES = {"F6-06": (188, 175), "SZ03": (54, 77), "SZ04": (68, 49), "SZ05": (66, 134), "SZ07": (188, 175),
            "F2-01": (97.31, 0.95)}

SURVEY_METHOD = {"F2-21": "全国统一网上调查", "F2-27": "问卷调查", "F2-30": "全国统一网上调查",
                 "F2-31": "问卷及访谈", "F2-32": "问卷调查"}
SURVEY_METHOD.update({f"F2-{n}": "全国统一网上调查" for n in range(22, 27)})
SURVEY_METHOD.update({"F2-28": "问卷调查", "F2-29": "问卷及电话访问"})
# 调查人次 (上年, 本年)
SURVEY_PEOPLE = {"F2-41": (2010, 2150), "F2-42": (2010, 2150), "F2-43": (2010, 2150), "F2-44": (2010, 2150),
                 "F2-45": (2010, 2150), "F2-46": (2010, 2150), "F2-47": (1190, 1260), "F2-48": (730, 760),
                 "F2-49": (460, 500), "F2-50": (230, 238), "F2-51": (118, 126), "F2-52": (1760, 1840)}

# 专业代码, 专业名称, 在校生数, 毕业生数, 就业人数, 对口就业人数, 升学人数, 起薪, 上年就业率, 上年对口就业率, 上年起薪
MAJORS = [
    ("700206", "汽车运用与维修", 260, 82, 38, 35, 43, 5200, 98.70, 92.31, 5050),
    ("700601", "城市轨道交通运营服务", 230, 74, 36, 34, 37, 5100, 98.61, 93.94, 4980),
    ("700502", "航空服务", 210, 68, 30, 27, 37, 5300, 98.55, 90.00, 5150),
    ("710204", "计算机网络技术", 190, 60, 20, 17, 39, 5000, 98.33, 85.71, 4900),
    ("710202", "计算机平面设计", 170, 55, 19, 15, 35, 4700, 98.21, 82.35, 4600),
    ("710203", "数字媒体技术应用", 180, 58, 21, 18, 36, 4900, 100.00, 84.21, 4750),
    ("730701", "电子商务", 200, 62, 24, 20, 37, 4800, 98.44, 83.33, 4650),
    ("730301", "会计事务", 160, 50, 14, 12, 35, 4500, 100.00, 85.71, 4400),
    ("740201", "中餐烹饪", 190, 62, 26, 24, 28, 4900, 98.36, 93.75, 4800),
    ("740202", "西餐烹饪", 150, 48, 24, 22, 23, 4850, 97.87, 90.91, 4700),
    ("740101", "旅游服务与管理", 170, 52, 22, 19, 29, 4600, 98.04, 86.36, 4500),
    ("770101", "幼儿保育", 220, 66, 30, 28, 35, 4650, 100.00, 93.10, 4500),
    ("610108", "园林技术", 120, 40, 17, 15, 22, 4550, 97.50, 88.24, 4450),
    ("770306W", "冰雪运动", 130, 35, 17, 15, 16, 4800, 96.97, 86.67, 4700),
]

AID = [
    ("国家助学金", 186, 372000, "家庭经济困难学生，每生每年 2000 元"),
    ("免学费", 2412, 4824000, "全日制正式学籍一、二、三年级在校生"),
    ("国家奖学金", 4, 24000, "每生 6000 元"),
    ("北京市政府奖学金", 52, 104000, "每生 2000 元"),
    ("校级奖学金", 260, 130000, "每生 500 元"),
]


def fill_workbook(wb, text: dict, indicators: dict[str, tuple[object, object]]) -> None:
    cover = wb[c.SHEET_COVER]
    for row in cover.iter_rows(min_row=2):
        if row[0].value in COVER:
            row[1].value = COVER[row[0].value]
    ws = wb[c.SHEET_INDICATORS]
    for row in ws.iter_rows(min_row=2):
        code = row[0].value
        if code in indicators:
            row[4].value, row[5].value = indicators[code]
        elif code in SURVEY_METHOD:
            row[5].value = SURVEY_METHOD[code]
        elif code in SURVEY_PEOPLE:
            row[4].value, row[5].value = SURVEY_PEOPLE[code]
    majors = wb["专业"]
    for i, values in enumerate(MAJORS, start=2):
        for col, value in enumerate(values, start=1):
            majors.cell(row=i, column=col, value=value)
    aid = wb["资助"]
    for i, values in enumerate(AID, start=2):
        for col, value in enumerate(values, start=1):
            aid.cell(row=i, column=col, value=value)
    narrative = wb[c.SHEET_NARRATIVE]
    narrative.delete_rows(2, narrative.max_row)
    for section, paragraphs in text["narrative"].items():
        for paragraph in paragraphs:
            narrative.append([section, paragraph])
    cases = wb[c.SHEET_CASES]
    for case in text["cases"]:
        cases.append([case["section"], case["title"], "\n".join(case["body"]), case.get("image"), case.get("caption")])


def draw_photo(path: Path, seed: int) -> None:
    """A simple illustrative picture (sky, buildings, people) standing in for a case photo."""
    from PIL import Image, ImageDraw

    palettes = [((120, 170, 220), (70, 110, 150)), ((250, 200, 150), (150, 90, 60)), ((170, 210, 190), (60, 120, 90)),
                ((200, 190, 230), (100, 80, 150)), ((230, 220, 180), (140, 120, 70)), ((180, 200, 220), (90, 100, 120))]
    sky, ground = palettes[seed % len(palettes)]
    width, height = 1200, 800
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(s * (1 - t) + g * t) for s, g in zip(sky, ground)))
    for i in range(6):
        x = 80 + i * 180 + (seed * 37 % 60)
        h = 220 + (i * 73 + seed * 41) % 200
        draw.rectangle([x, 560 - h, x + 140, 560], fill=(235 - i * 12, 235 - i * 10, 240 - i * 8), outline=(90, 90, 90))
        for wy in range(560 - h + 20, 540, 40):
            for wx in (x + 20, x + 80):
                draw.rectangle([wx, wy, wx + 30, wy + 20], fill=(140, 180, 210))
    draw.rectangle([0, 560, width, height], fill=tuple(int(g * 0.8) for g in ground))
    for i in range(9):
        px = 120 + i * 120 + (seed * 13 % 40)
        draw.ellipse([px, 600, px + 36, 636], fill=(60, 50, 40))
        draw.rectangle([px + 4, 636, px + 32, 720], fill=(40 + i * 15, 70, 120))
    img = img.quantize(colors=64)
    img.save(path, optimize=True)


def write_workbook(path: Path, text: dict, indicators: dict[str, tuple[object, object]]) -> None:
    wb = build_blank_workbook(load_edition(), "学校")
    fill_workbook(wb, text, indicators)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    text = yaml.safe_load((HERE / "sample_text.yaml").read_text(encoding="utf-8"))
    (out_dir / "照片").mkdir(parents=True, exist_ok=True)
    images = [case["image"] for case in text["cases"] if case.get("image")]
    for seed, name in enumerate(images):
        draw_photo(out_dir / name, seed)
    write_workbook(out_dir / WORKBOOK_NAME, text, INDICATORS)
    write_workbook(out_dir / MISTAKES_NAME, text, {**INDICATORS, **MISTAKES})
    return [out_dir / WORKBOOK_NAME, out_dir / MISTAKES_NAME]


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
