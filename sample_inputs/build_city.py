"""Build the city sample: a city workbook and the school workbooks of two districts, over three years.

    python sample_inputs/build_city.py

writes sample_inputs/city/北京市.xlsx (the city office's own 封面, 正文, 案例 and every office list
of seed 002, text from city_text.yaml) and the schools of two districts of 北京市, a folder each
(the folders are only for people; each workbook's 所属区县 says its district):

- sample_inputs/city/学校/海川区/: the sample district's five schools, as in sample_inputs/district/ (the
  sample school of build_sample.py and the four synthetic ones of build_district.py);
- sample_inputs/city/学校/云岭区/: two more synthetic schools (synth.py);
- sample_inputs/city/历年/2023/ and 2022/: every school's workbooks of the two earlier years.

The schools change as a city's do: 北京海川艺术职业学校 is new in 2024, 北京市云岭区卫生学校 and
北京市海川区旅游商贸学校 in 2023, and two 海川区 schools reported in 2022 and 2023 but not in 2024 —
6, 8 and 7 schools in 2022, 2023 and 2024. Then:

    vqr aggregate sample_inputs/city/北京市.xlsx sample_inputs/city/学校/*/*.xlsx --level city \
        --history sample_inputs/city/历年 -o 北京市报告.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import build_district as district  # noqa: E402
from synth import SchoolSpec, region_workbook  # noqa: E402

from vqr_author.edition import load_edition  # noqa: E402

OUT_DIR = HERE / "city"
CITY = "北京市"
COVER = {
    "区域名称": CITY,
    "报告年度": "2024",
    "发布单位": "北京市教育委员会",
    "发布日期": "2025年1月",
    "公开网址": "https://jw.beijing.example.gov.cn/zlnb/2024",
    "公开形式": "市教委官方网站公开",
}
YUNLING = "北京市云岭区"
SCHOOLS = [  # the second district's schools
    SchoolSpec("北京市云岭区职业教育中心学校", "4111099911", YUNLING, "公办", 21,
               ("660301", "700206", "710204", "730701", "740201")),
    SchoolSpec("北京市云岭区卫生学校", "4111099912", YUNLING, "公办", 22, ("720201", "770101", "740101", "730301", "710204", "740201")),
]
FIRST_YEAR = {**district.FIRST_YEAR, "4111099912": 2023}  # 学校代码 → the first year it reports


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition()
    school_text = yaml.safe_load((HERE / "sample_text.yaml").read_text(encoding="utf-8"))
    city_text = yaml.safe_load((HERE / "city_text.yaml").read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / f"{CITY}.xlsx"]
    written[0].write_bytes(district.workbook_bytes(region_workbook(edition, "市", COVER, city_text)))
    written += district.write_schools(edition, school_text, out_dir / "学校" / "海川区", district.SCHOOLS)
    written += district.write_schools(edition, school_text, out_dir / "学校" / "云岭区", SCHOOLS, sample=False)
    return written + district.write_history(edition, school_text, out_dir / district.HISTORY,
                                            (*district.SCHOOLS, *district.GONE, *SCHOOLS), FIRST_YEAR)


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
