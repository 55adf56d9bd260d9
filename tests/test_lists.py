"""The office's own lists (issue 14, item 1): an edition's `lists` become sheets of the district and
city workbooks, are read with every problem located, and each list with rows becomes a numbered
table (序号) in its section; a school a list names that the report does not aggregate is warned
about, with an aggregated name only when it is plausibly the same school."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from pydantic import ValidationError

from conftest import ROOT, styled_paragraphs
from vqr_author import aggregate_report
from vqr_author.api import check_workbook, new_workbook
from vqr_author.edition import load_edition
from vqr_author.edition.model import Edition

DISTRICT = ROOT / "sample_inputs" / "district"
SCHOOLS = sorted((DISTRICT / "学校").glob("*.xlsx"))


@pytest.fixture(scope="module")
def lists(edition):
    return {lst.id: lst for lst in edition.lists}


def _region(tmp_path: Path, rows: dict[str, list[list]]) -> Path:
    """The sample district workbook with its lists replaced by ``rows`` (list id → rows)."""
    path = tmp_path / "区县.xlsx"
    shutil.copyfile(DISTRICT / "海川区.xlsx", path)
    edition = load_edition()
    wb = openpyxl.load_workbook(path)
    for lst in edition.lists:
        ws = wb[lst.sheet]
        ws.delete_rows(2, ws.max_row)
        for row in rows.get(lst.id, ()):
            ws.append(row)
    wb.save(path)
    return path


def _captions(path: Path) -> list[str]:
    """The tables' captions in the body (not the 表目录 listing them)."""
    return [p.text for p in styled_paragraphs(docx.Document(str(path)), "TableCaption")]


def test_the_edition_offers_the_lists_of_seed_002(lists):
    assert len(lists) >= 10
    assert {col.kind for lst in lists.values() for col in lst.columns} == {"text", "school", "count"}
    for lst in lists.values():
        assert lst.levels == ("区县", "市")


@pytest.mark.parametrize("level", ["district", "city"])
def test_init_writes_each_list_with_headers_hints_and_dropdowns(tmp_path, lists, level):
    path = tmp_path / "区域.xlsx"
    new_workbook(path, level=level)
    wb = openpyxl.load_workbook(path)
    for lst in lists.values():
        ws = wb[lst.sheet]
        headers = [c.value for c in ws[1]]
        assert headers == [col.header for col in lst.columns]
        assert lst.title.replace("{本年}年", "") in ws.cell(1, 1).comment.text
        chosen = [i for i, col in enumerate(lst.columns, 1) if getattr(col, "choices", ())]
        for i in chosen:
            letter = openpyxl.utils.get_column_letter(i)
            rules = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and letter + "2" in str(dv.sqref)]
            assert rules and all(choice in rules[0].formula1 for choice in lst.columns[i - 1].choices)
    new_workbook(tmp_path / "学校.xlsx")
    school = openpyxl.load_workbook(tmp_path / "学校.xlsx")
    assert not set(school.sheetnames) & {lst.sheet for lst in lists.values()}


def test_lists_with_rows_are_numbered_tables_in_their_sections_and_empty_lists_leave_nothing(tmp_path, lists):
    studios, plan = lists["head_teacher_studios"], lists["through_training_plan"]
    region = _region(tmp_path, {
        "head_teacher_studios": [["北京市海川职业学校", "启航工作室"], ["北京市海川区第一职业学校", "明德工作室"]],
        "through_training_plan": [["北京市海川职业学校", "智能制造类", "工业机器人技术应用", "北京联合大学", 60]],
    })
    result = aggregate_report(region, SCHOOLS, tmp_path / "报告.docx")
    assert result.written, [p.message for p in result.problems]
    document = docx.Document(str(tmp_path / "报告.docx"))
    captions = _captions(tmp_path / "报告.docx")
    numbers = [c.split()[1] for c in captions if c.startswith("表 ")]
    assert len(set(numbers)) == len(numbers) > 2  # one numbering with the other tables
    year = result.region.book.cover_text("报告年度")
    shown = [c for c in captions if any(lst.title.replace("{本年}", year) in c for lst in lists.values())]
    assert len(shown) == 2  # the other eight lists are empty: no table, no caption
    # each table's first row is its caption (repeated on the pages it runs onto), then the header
    table = next(t for t in document.tables if len(t.rows) > 1 and t.rows[1].cells[-1].text == studios.columns[-1].header)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        ["序号", "学校", "工作室名称"], ["1", "北京市海川职业学校", "启航工作室"], ["2", "北京市海川区第一职业学校", "明德工作室"]]
    plan_table = next(t for t in document.tables if len(t.rows) > 1 and t.rows[1].cells[1].text == plan.columns[0].header)
    assert plan_table.rows[1].cells[-1].text.replace("\n", "") == "招生计划（人）" and plan_table.rows[2].cells[-1].text == "60"
    # in its section: after the heading of 5.5 and before the heading of 5.6
    texts = [p.text for p in styled_paragraphs(document, "Heading1", "Heading2", "Heading3", "TableCaption")]
    studio_caption = max(i for i, t in enumerate(texts) if studios.title in t)
    section = load_edition().section(studios.section)
    assert max(i for i, t in enumerate(texts[:studio_caption]) if t.endswith(section.title)) < studio_caption


def test_a_school_not_aggregated_is_warned_about_with_its_cell_and_the_closest_name(tmp_path, lists):
    region = _region(tmp_path, {"labour_cases": [["北京市海川职业学校", "案例一"],
                                                 ["北京市海川区旅游商贸职业学校", "案例二"],
                                                 ["上海市某某学校", "案例三"]]})
    result = aggregate_report(region, SCHOOLS, tmp_path / "报告.docx")
    found = [p for p in result.problems if p.code == "list-unknown-school"]
    sheet = lists["labour_cases"].sheet
    assert [(p.sheet, p.cell, p.file) for p in found] == [(sheet, "A3", "区县.xlsx"), (sheet, "A4", "区县.xlsx")]
    assert "汇总的学校中有“北京市海川区旅游商贸学校”：如是同一所学校的不同写法，请改为该名称" in found[0].message
    assert "请改为" not in found[1].message and "没有该校名称的其他写法" in found[1].message
    assert result.written  # a warning: the report is still written


@pytest.mark.parametrize(("a", "b", "same"), [
    ("北京市海川区旅游商贸职业学校", "北京市海川区旅游商贸学校", True),  # 职业/学校 wording
    ("海川区第一职业学校", "北京市海川区第一职业学校", True),  # a prefix
    ("北京市海川职业学校", "北京海川艺术职业学校", False),  # similar strings, two schools
    ("北京市海川区第一职业学校", "北京市海川区第二职业学校", False),
    ("职业学校", "北京市海川职业学校", False),  # only wording in common
])
def test_a_name_is_plausibly_the_same_school_only_when_written_differently(a, b, same):
    from vqr_author.compute.lists import plausible_same

    assert plausible_same(a, b) is same and plausible_same(b, a) is same


def test_a_listed_school_left_out_is_said_to_be_left_out_and_no_other_school_is_suggested(tmp_path):
    """The QA case: 北京市海川职业学校 is not aggregated (its workbook had errors); the lists name it.
    Never “请改为 北京海川艺术职业学校” — that is another, real school."""
    others = [p for p in SCHOOLS if p.name != "海川职业学校.xlsx"]
    region = DISTRICT / "海川区.xlsx"
    plain = aggregate_report(region, others, tmp_path / "报告.docx")
    left = aggregate_report(region, others, tmp_path / "草稿.docx", left_out={"北京市海川职业学校": "有错误"})
    for result in (plain, left):
        about = [p.message for p in result.problems if p.code == "list-unknown-school" and "“北京市海川职业学校”" in p.message]
        assert len(about) == 4 and not [m for m in about if "请改为" in m or "北京海川艺术职业学校" in m]
    assert all("该校不在本次汇总的学校中：“北京市海川职业学校”（有错误）没有计入本报告" in p.message
               for p in left.problems if p.code == "list-unknown-school" and "“北京市海川职业学校”" in p.message)
    named = [p for p in left.problems if p.code == "school-left-out"]
    assert [p.message[:24] for p in named] == ["“北京市海川职业学校”没有计入本次汇总：有错误。"[:24]]
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "草稿.docx")).paragraphs)
    assert "草稿：有 1 所学校没有计入本报告（见下页“待修正的问题”），不得发布" in text  # not “0 个错误…未通过校验”
    assert "草稿" in text and "北京市海川职业学校”没有计入本次汇总" in "\n".join(
        c.text for t in docx.Document(str(tmp_path / "草稿.docx")).tables for row in t.rows for c in row.cells)
    places = [row.cells[1].text.replace("\n", "") for t in docx.Document(str(tmp_path / "草稿.docx")).tables for row in t.rows
              if len(row.cells) == 4 and row.cells[0].text == "警告"]
    assert "海川区.xlsx：劳动教育典型案例!A3" in places  # a region draft's problem names its file
    assert not [p for p in plain.problems if p.code == "school-left-out"]


def test_a_school_of_the_history_is_known_but_not_aggregated(tmp_path):
    """vqr aggregate --history: a listed school found only in earlier years is said to be left out."""
    import json
    import subprocess
    import sys

    others = [str(p) for p in SCHOOLS if p.name != "海川职业学校.xlsx"]
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "aggregate", str(DISTRICT / "海川区.xlsx"), *others,
                           "-o", str(tmp_path / "报告.docx"), "--history", str(DISTRICT / "历年"), "--json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    about = [p["message"] for p in json.loads(done.stdout)
             if p["code"] == "list-unknown-school" and "“北京市海川职业学校”" in p["message"]]
    assert len(about) == 4 and all("该校不在本次汇总的学校中" in m and "往年有该校的填报表" in m for m in about)
    assert not [m for m in about if "请改为" in m]


def test_the_web_district_report_made_while_schools_are_not_approved_is_a_draft_naming_them(tmp_path):
    """The web desk follows vqr batch --aggregate: every registered school not approved is left out by
    name and state, the report is a draft, and the page says so."""
    from fastapi.testclient import TestClient

    from vqr_author.web.admin import open_data
    from vqr_author.web.db import APPROVED, RETURNED
    from vqr_author.web.desk import accept_region, accept_upload, create_school, queue, review
    from vqr_author.web.jobs import Worker, render_region
    from vqr_author.web.photos import Sent

    db, store = open_data(tmp_path / "数据")
    with db.transaction() as session:
        first = create_school(session, "4111099902", "北京市海川区第一职业学校", "测试").id
        farm = create_school(session, "4111099904", "北京市海川区现代农业职业学校", "测试").id
        create_school(session, "4111099901", "北京市海川职业学校", "测试")
    for school_id, path, decision in ((first, "海川区第一职业学校.xlsx", APPROVED),
                                      (farm, "海川区现代农业职业学校.xlsx", RETURNED)):
        submission = accept_upload(db, store, school_id, Sent((DISTRICT / "学校" / path).read_bytes()), "测试").submission
        with db.transaction() as session:
            review(session, session.merge(submission), decision, "请核对" if decision == RETURNED else "", "测试")
    region = accept_region(db, store, (DISTRICT / "海川区.xlsx").read_bytes(), "区县", "测试")
    with db.transaction() as session:
        job = queue(session, "region", "测试", region_id=region.id)
        call, _ = Worker(db, store)._call(session, job)
    db.dispose()
    outcome = render_region(*call[1:])
    assert outcome["ok"], outcome
    assert "北京市海川区现代农业职业学校（退回修改）" in outcome["message"]
    assert "北京市海川职业学校（未提交）" in outcome["message"] and "草稿" in outcome["message"]
    assert {p["code"] for p in outcome["problems"]} >= {"school-left-out", "list-unknown-school"}
    assert not [p for p in outcome["problems"] if "请改为" in p["message"] and "北京市海川职业学校”" in p["message"]]
    assert "（草稿）" in "".join(p.text for s in docx.Document(call[3]).sections for p in s.header.paragraphs)
    # the office page shows it where the report is offered for download (as the worker stores the outcome)
    import json

    from jinja2 import Environment, FileSystemLoader

    from vqr_author.web.app import TEMPLATES
    from vqr_author.web.db import DONE, Job
    from vqr_author.web.office_pages import job_detail

    job = Job(kind="region", state=DONE, progress="用时 3 秒",
              message=json.dumps({"message": outcome["message"], "problems": outcome["problems"]}, ensure_ascii=False))
    html = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True).get_template("_region_job.html").render(
        job=job, job_detail=job_detail(job))
    shown = html.split('id="region-draft">')[1].split("</p>")[0]
    assert "汇总报告按草稿生成" in shown and "北京市海川职业学校（未提交）" in shown and "汇总报告已生成" not in html


def test_the_sample_district_workbook_has_lists_with_one_misspelt_school():
    region = check_workbook(DISTRICT / "海川区.xlsx", level="district")
    filled = [lst for lst in region.edition.lists if region.book.lists.get(lst.id)]
    assert len(filled) >= 3
    assert not region.errors


def test_list_rows_are_checked_where_they_are(tmp_path, lists):
    majors = lists["new_majors"]
    region = _region(tmp_path, {"new_majors": [["北京市海川职业学校", "电子与信息大类", None, "710211", "六年", ""]]})
    result = check_workbook(region, level="district")
    codes = {(p.code, p.sheet, p.cell) for p in result.problems if p.sheet == majors.sheet}
    assert codes == {("list-missing-value", majors.sheet, "C2"), ("list-not-a-choice", majors.sheet, "E2")}


def test_hidden_rows_of_a_list_are_named(tmp_path, lists):
    region = _region(tmp_path, {"head_teacher_studios": [["北京市海川职业学校", "启航工作室"]]})
    wb = openpyxl.load_workbook(region)
    wb[lists["head_teacher_studios"].sheet].row_dimensions[2].hidden = True
    wb.save(region)
    result = check_workbook(region, level="district")
    assert any(p.sheet == lists["head_teacher_studios"].sheet and p.level.name == "WARNING" for p in result.problems)


def test_an_edition_list_must_name_a_section_and_a_free_sheet(edition):
    data = edition.model_dump(by_alias=True, exclude_none=True)
    bad = {**data["lists"][0], "section": "9.9"}
    with pytest.raises(ValidationError, match="不存在的章节 9.9"):
        Edition.model_validate({**data, "lists": [bad]})
    clash = {**data["lists"][0], "sheet": data["record_sheets"][0]["sheet"]}
    with pytest.raises(ValidationError, match="已被使用"):
        Edition.model_validate({**data, "lists": [clash]})
