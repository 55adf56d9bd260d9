"""Build the district sample: a district workbook and five consistent school workbooks.

    python sample_inputs/build_district.py

writes sample_inputs/district/海川区.xlsx (the district's own 封面, 正文 and 案例, text from
district_text.yaml) and sample_inputs/district/学校/ with the five schools of the fictional
北京市海川区: the sample school (北京市海川职业学校) and four synthetic but internally consistent
schools, one of them 民办 (see synth.py). Then:

    vqr aggregate sample_inputs/district/海川区.xlsx sample_inputs/district/学校/*.xlsx -o 海川区报告.docx
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import SchoolSpec, region_workbook, school_workbook  # noqa: E402

from vqr_author.edition import load_edition  # noqa: E402

OUT_DIR = HERE / "district"
DISTRICT = "北京市海川区"
COVER = {
    "区域名称": DISTRICT,
    "报告年度": "2024",
    "发布单位": "北京市海川区教育委员会",
    "发布日期": "2025年1月",
    "公开网址": "https://jw.haichuan.example.gov.cn/zlnb/2024",
    "公开形式": "区教委官方网站公开",
}
SCHOOLS = [
    SchoolSpec("北京市海川区第一职业学校", "4111099902", DISTRICT, "公办", 11,
               ("660301", "660601", "710204", "710202", "700206", "720201", "710203")),
    SchoolSpec("北京市海川区旅游商贸学校", "4111099903", DISTRICT, "公办", 12,
               ("740101", "740201", "740202", "730701", "730301", "700502")),
    SchoolSpec("北京市海川区现代农业职业学校", "4111099904", DISTRICT, "公办", 13, ("610101", "610108", "690101", "740101")),
    SchoolSpec("北京海川艺术职业学校", "4111099905", DISTRICT, "民办", 14, ("750101", "750102", "750308W")),
]


def _bytes(wb) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition()
    school_text = yaml.safe_load((HERE / "sample_text.yaml").read_text(encoding="utf-8"))
    district_text = yaml.safe_load((HERE / "district_text.yaml").read_text(encoding="utf-8"))
    schools_dir = out_dir / "学校"
    schools_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "海川区.xlsx"]
    written[0].write_bytes(_bytes(region_workbook(edition, "区县", COVER, district_text)))
    main = HERE / "school" / "海川职业学校.xlsx"
    shutil.copyfile(main, schools_dir / main.name)
    shutil.copytree(HERE / "school" / "照片", schools_dir / "照片", dirs_exist_ok=True)
    written.append(schools_dir / main.name)
    for spec in SCHOOLS:
        path = schools_dir / f"{spec.name.removeprefix('北京市').removeprefix('北京')}.xlsx"
        path.write_bytes(_bytes(school_workbook(edition, spec, school_text)))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
