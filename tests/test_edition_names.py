"""The edition owns every name: a test edition (tests/editions/renamed.yaml) that renames every 封面
field, record sheet, column and catalogue word of zhongzhi-2024 renders end to end at school and
district level and carries over into next year's workbook; and no Python source outside the edition
package spells a name of a bundled edition."""

from __future__ import annotations

import ast
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import ROOT
from vqr_author import aggregate_report, render_report
from vqr_author.api import new_workbook
from vqr_author.edition import available_editions, load_edition
from vqr_author.workbook.contract import LEVELS

RENAMED = ROOT / "tests" / "editions" / "renamed.yaml"


@pytest.fixture(scope="module")
def renamed():
    return load_edition(RENAMED)


def _fill(path: Path, cover: dict, indicators: dict, programmes: list[list]) -> Path:
    wb = openpyxl.load_workbook(path)
    for row in wb["封面"].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    if "指标" in wb.sheetnames:
        for row in wb["指标"].iter_rows(min_row=2):
            if row[0].value in indicators:
                row[4].value, row[5].value = indicators[row[0].value]
    if "专业清单" in wb.sheetnames:
        for values in programmes:
            wb["专业清单"].append(values)
    wb.save(path)
    return path


def _school(folder: Path, edition, name: str, code: str, kind: str, students: int, year: int = 2024) -> Path:
    path = folder / f"{name}.xlsx"
    new_workbook(path, edition=edition)
    return _fill(path, {"院校全称": name, "院校编号": code, "举办者类型": kind, "所在地区": "东区", "统计年份": year,
                        "署名": name, "落款日期": "2025年1月", "网页": "https://example.cn/2024/report", "公开途径": "官网"},
                 {"A01": (students - 100, students), "A02": (300, 320), "A03": (280, 300), "T01": (90, 100)},
                 [["510101", "作物生产技术", 200, 100, 90, 85.5], ["560102X", "智能装备", students - 200, 220, 210, None]])


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text.replace("\n", "") for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_renamed_edition_renders_a_school_report(renamed, tmp_path):
    school = _school(tmp_path, renamed, "甲院校", "12345", "政府举办", 1000)
    result = render_report(school, tmp_path / "甲.docx", edition=renamed)
    assert result.output is not None, [p.message for p in result.check.errors]
    text = _text(result.output)
    assert "甲院校办学质量报告（2024）" in text  # title from the name and year roles
    assert "甲院校对《甲院校办学质量报告（2024）》负责。" in text  # the title fills the title role's placeholder
    assert "https://example.cn/2024/report" in text and "2025年1月" in text  # url and date roles
    for words in ("专业门类", "农林门类", "装备门类（含自设专业）", "总计", "专业就业率"):
        assert words in text, words
    assert "10.0" in text or "10" in text  # 生师比 1000 ÷ 100


def test_a_renamed_edition_aggregates_a_district(renamed, tmp_path):
    one = _school(tmp_path, renamed, "甲院校", "12345", "政府举办", 1000)
    two = _school(tmp_path, renamed, "乙院校", "12346", "企业举办", 600)
    region = tmp_path / "东区.xlsx"
    new_workbook(region, edition=renamed, level="district")
    _fill(region, {"地区": "东区", "统计年份": 2024, "署名": "东区教育局", "落款日期": "2025年1月",
                   "网页": "https://example.cn/2024/dq"}, {}, [])
    result = aggregate_report(region, [one, two], tmp_path / "东区.docx", level="district", edition=renamed)
    assert result.written, [p.message for p in result.errors]
    text = _text(result.output)
    assert "东区办学质量报告（2024）" in text and "东区教育局对《东区办学质量报告（2024）》负责。" in text
    for words in ("举办者类型", "所在地区", "政府举办", "企业举办", "开办院校数", "专业编码", "专业称谓", "智能装备（自设）"):
        assert words in text, words


def test_a_renamed_edition_names_its_series_tables(renamed, tmp_path):
    earlier = tmp_path / "2023"
    earlier.mkdir()
    _school(earlier, renamed, "甲院校", "12345", "政府举办", 900, year=2023)
    one = _school(tmp_path, renamed, "甲院校", "12345", "政府举办", 1000)
    two = _school(tmp_path, renamed, "乙院校", "12346", "企业举办", 600)
    region = tmp_path / "东区.xlsx"
    new_workbook(region, edition=renamed, level="district")
    _fill(region, {"地区": "东区", "统计年份": 2024, "署名": "东区教育局", "落款日期": "2025年1月", "网页": "x"}, {}, [])
    result = aggregate_report(region, [one, two], tmp_path / "东区.docx", level="district", edition=renamed,
                              history=earlier)
    assert result.written, [p.message for p in result.errors]
    document = docx.Document(str(result.output))
    headers = [[c.text.replace("\n", "") for c in table.rows[1].cells] for table in document.tables if table.rows[0].cells[0].text.endswith(
        ("年院校数", "年学生总数"))]
    assert headers == [["统计年份", "院校数（家）", "比上年增减（家）", "新开院校", "停办院校"],
                       ["项目名称", "计量单位", "2023年", "2024年"]]
    text = _text(result.output)
    assert "参与汇总院校" in text and "“停办院校”指上一年度" in text
    for default in ("新增的学校", "汇总学校数"):  # no word of zhongzhi-2024's series is left
        assert default not in text, default


def test_identity_problems_name_the_editions_fields(renamed, tmp_path):
    one = _school(tmp_path, renamed, "甲院校", "12345", "政府举办", 1000)
    two = _school(tmp_path, renamed, "丙院校", "12345", "企业举办", 600)
    region = tmp_path / "东区.xlsx"
    new_workbook(region, edition=renamed, level="district")
    _fill(region, {"地区": "东区", "统计年份": 2024, "署名": "东区教育局", "落款日期": "2025年1月", "网页": "x"}, {}, [])
    result = aggregate_report(region, [one, two], tmp_path / "东区.docx", level="district", edition=renamed)
    conflict = next(p for p in result.identity if p.code == "school-name-conflict")
    assert conflict.message.startswith("院校编号 12345 在不同填报表中的院校全称不一致") and conflict.indicator == "院校全称"


def test_init_from_carries_what_the_edition_says(renamed, tmp_path):
    school = _school(tmp_path, renamed, "甲院校", "12345", "政府举办", 1000)
    target = tmp_path / "2025.xlsx"
    new_workbook(target, edition=renamed, previous=school)
    wb = openpyxl.load_workbook(target)
    cover = {row[0].value: row[1].value for row in wb["封面"].iter_rows(min_row=2)}
    assert cover["院校全称"] == "甲院校" and str(cover["统计年份"]) == "2025"
    assert cover["网页"] == "https://example.cn/2025/report"  # renew_year
    assert cover["落款日期"] is None  # not carried
    rows = [[c.value for c in row] for row in wb["专业清单"].iter_rows(min_row=2)]
    assert rows[0][:2] == ["510101", "作物生产技术"] and rows[0][2:5] == [None, None, None]
    assert rows[0][5] == pytest.approx(90.0)  # 去年就业率 ← this year's computed 专业就业率 (90 ÷ 100)
    assert rows[1][5] == pytest.approx(95.45, abs=0.01)


# ---------------------------------------------------------------------------------------------
# Words of the bundled editions that Python may still spell, each for a reason that has nothing to do with
# the edition (file → words):
ALLOWED = {
    # The 封面 sheet's own column header (the workbook contract, docs/workbook.md) and the problem
    # tables' "指标/项目" column: the word "项目" as the name of a 封面 row, not 资助's 项目 column.
    "workbook/contract.py": {"项目"}, "render/context.py": {"项目"}, "output/annotate.py": {"项目"},
    "batch.py": {"项目", "学校代码"}, "terminal.py": {"项目"}, "validate/rules.py": {"项目"},
    "workbook/unread.py": {"项目"}, "problems.py": {"项目"},
    # The web app's school registry: the JSON API's keys (docs/api.md, fixed by the issue that made the
    # API public) and the column headers of the office's school list (docs/web.md) are its own contract,
    # not an edition's cover keys.
    "web/json_api.py": {"学校代码", "单位名称"}, "web/desk.py": {"学校代码", "单位名称"},
    # batch.py: the status "学校代码冲突（未生成）" is a fixed word of 汇总.xlsx documented in
    # docs/aggregation.md, as stable as an exit code; the message itself names the edition's field.
}


def _edition_names() -> set[str]:
    """The 封面 keys, record sheet and list names, column labels and catalogue words of every bundled edition."""
    names: set[str] = set()
    for ed in map(load_edition, available_editions()):
        names |= {f.key for f in ed.cover_fields}
        for sheet in ed.record_sheets:
            names |= {sheet.sheet, *(f.header for f in sheet.fields), *(d.name for d in sheet.derived)}
        for office_list in ed.lists:
            names |= {office_list.sheet, *(col.header for col in office_list.columns)}
        for table in ed.tables:
            names |= {c.header for c in getattr(table, "columns", ())}
            names |= {getattr(table, "schools_header", None) or ""}
        if ed.catalogue is not None:
            c = ed.catalogue
            names |= {c.category_label, c.unknown, c.outside_mark, c.outside_in_group_mark}
    # 学校 (a list column) is also a report level, a word of the workbook contract before any edition's
    return {n for n in names if n} - set(LEVELS.values())


def _strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module, without docstrings (those explain the domain in its words)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_edition_name_is_spelled_in_python():
    names = _edition_names()
    package = ROOT / "vqr_author"
    found, used = [], set()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative.startswith("edition/"):
            continue
        allowed = ALLOWED.get(relative, set())
        for line, text in _strings(path):
            hits = {name for name in names if name in text}
            used |= {(relative, name) for name in hits & allowed}
            found += [f"{relative}:{line} {name}" for name in sorted(hits - allowed)]
    assert not found, "names that belong to the edition:\n" + "\n".join(found)
    stale = {(f, w) for f, words in ALLOWED.items() for w in words} - used
    assert not stale, f"allowed but no longer spelled (remove from ALLOWED): {sorted(stale)}"
