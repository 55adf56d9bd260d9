"""Build the district sample: a district workbook and five consistent school workbooks.

    python sample_inputs/build_district.py

writes sample_inputs/district/海川区.xlsx (the district's own 封面, 正文 and 案例, text from
district_text.yaml) and sample_inputs/district/学校/ with the five schools of the fictional
北京市海川区: the sample school (北京市海川职业学校) and four synthetic but internally consistent
schools, one of them 民办 (see synth.py).

It also writes the history of two earlier years, sample_inputs/district/历年/2023/ and 2022/: the
schools' workbooks of those years, each year's 本年 being the next year's 上年. The schools change
as a district's do: the 民办 school is new in 2024, 旅游商贸学校 in 2023, and two schools (GONE)
reported in 2022 and 2023 but not in 2024 — 5, 6 and 5 schools. Then:

    vqr aggregate sample_inputs/district/海川区.xlsx sample_inputs/district/学校/*.xlsx \
        --history sample_inputs/district/历年 -o 海川区报告.docx
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import build_sample  # noqa: E402
from synth import YEAR, SchoolSpec, earlier_year, region_workbook, school_workbook, write_school  # noqa: E402

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
FIRST_YEAR = {"4111099903": 2023, "4111099905": 2024}  # 学校代码 → the first year it reports (others: every year)
GONE = [  # reported in the earlier years, not in 2024
    SchoolSpec("北京市海川区城建职业学校", "4111099906", DISTRICT, "公办", 15, ("660301", "700601", "770101")),
    SchoolSpec("北京市海川区机电工程学校", "4111099907", DISTRICT, "公办", 16, ("660601", "700206")),
]
HISTORY = "历年"
BACK = (1, 2)  # the earlier years written: 2023 and 2022


def workbook_bytes(wb) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    edition = load_edition()
    school_text = yaml.safe_load((HERE / "sample_text.yaml").read_text(encoding="utf-8"))
    district_text = yaml.safe_load((HERE / "district_text.yaml").read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "海川区.xlsx"]
    written[0].write_bytes(workbook_bytes(region_workbook(edition, "区县", COVER, district_text)))
    written += write_schools(edition, school_text, out_dir / "学校")
    return written + write_history(edition, school_text, out_dir / HISTORY)


def write_schools(edition, text: dict, folder: Path, specs: Sequence[SchoolSpec] = tuple(SCHOOLS),  # noqa: ANN001
                  sample: bool = True) -> list[Path]:
    """This year's workbooks of ``specs``, and (``sample``) the sample school's with its photos."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if sample:
        main = HERE / "school" / "海川职业学校.xlsx"
        shutil.copyfile(main, folder / main.name)
        shutil.copytree(HERE / "school" / "照片", folder / "照片", dirs_exist_ok=True)
        written.append(folder / main.name)
    for spec in specs:
        path = folder / _file_name(spec)
        path.write_bytes(workbook_bytes(school_workbook(edition, spec, text)))
        written.append(path)
    return written


def _file_name(spec: SchoolSpec) -> str:
    return f"{spec.name.removeprefix('北京市').removeprefix('北京')}.xlsx"


def _sample_school_years(edition, count: int) -> list[tuple[list, dict]]:  # noqa: ANN001
    """The sample school's years, newest first: 2024 and 2023 as build_sample.py has them, and the
    years before made consistent by synth.earlier_year."""
    survey = {code: pair for code, pair in build_sample.SURVEY_PEOPLE.items()}
    this = {code: pair[1] for code, pair in {**build_sample.INDICATORS, **survey}.items()}
    last = {code: pair[0] for code, pair in {**build_sample.INDICATORS, **survey}.items()}
    years = [([list(row) for row in build_sample.MAJORS], {**this, **build_sample.SURVEY_METHOD}),
             ([], {**last, **build_sample.SURVEY_METHOD})]  # its 2023 专业 rows are not in the sample
    majors = years[0][0]
    for back in range(2, count):
        majors, values = earlier_year(edition, 100 + back, majors, years[-1][1])
        years.append((majors, values))
    return years


def write_history(edition, text: dict, folder: Path, specs: Sequence[SchoolSpec] = (*SCHOOLS, *GONE),  # noqa: ANN001
                  first_year: Mapping[str, int] = FIRST_YEAR) -> list[Path]:
    """The earlier years' workbooks (BACK), a folder per year: the sample school's and those of
    ``specs`` that report in that year (``first_year``: 学校代码 → the first year it reports)."""
    written = []
    sample = build_sample.COVER
    main = SchoolSpec(sample["单位名称"], sample["学校代码"], sample["所属区县"], sample["办学性质"], 0)
    main_years = _sample_school_years(edition, max(BACK) + 2)
    for back in BACK:
        year_dir = folder / str(YEAR - back)
        year_dir.mkdir(parents=True, exist_ok=True)
        (majors, this), (_, last) = main_years[back], main_years[back + 1]
        books = [(main, write_school(edition, main, YEAR - back, this, last, majors, text))]
        books += [(spec, school_workbook(edition, spec, text, back)) for spec in specs
                  if first_year.get(spec.code, 0) <= YEAR - back]
        for spec, wb in books:
            path = year_dir / _file_name(spec)
            path.write_bytes(workbook_bytes(wb))
            written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
