"""Everything a user typed either appears in the report or is named by `vqr check` with its cell:
content that is hidden (published all the same), not read (columns, rows and sheets outside the
contract, unknown or repeated 封面 labels), or has no place in the report."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from conftest import indicator_row
from vqr_author import check_workbook
from vqr_author.compute.report import build_report, school_source
from vqr_author.problems import Level
from vqr_author.workbook.reader import load_workbook


def only(result, code):
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, (code, [(p.code, p.place) for p in result.problems])
    assert found[0].level is Level.WARNING
    return found[0]


def test_the_sample_has_nothing_hidden_or_unread(sample):
    codes = {p.code for p in check_workbook(sample).problems}
    assert not codes & {"hidden-sheet", "hidden-rows", "hidden-columns", "ignored-column", "ignored-row",
                        "extra-sheet", "unknown-cover-field", "duplicate-cover-field", "case-caption-without-image"}


def test_hidden_rows_are_published_and_named(sample, edit):
    def hide(wb):
        wb["正文"].row_dimensions[3].hidden = True
        wb["正文"].row_dimensions[5].hidden = True
        wb["指标"].row_dimensions[indicator_row(wb["指标"], "GM05")].hidden = True

    edit(sample, fn=hide)
    result = check_workbook(sample)
    assert result.errors == []
    narrative = [p for p in result.problems if p.code == "hidden-rows" and p.sheet == "正文"]
    assert len(narrative) == 1 and narrative[0].cell == "A3"
    assert "第 3、5 行被隐藏" in narrative[0].message and "仍会读取并出现在报告中" in narrative[0].message
    wb = openpyxl.load_workbook(sample)
    row = indicator_row(wb["指标"], "GM05")
    indicators = [p for p in result.problems if p.code == "hidden-rows" and p.sheet == "指标"]
    assert [p.cell for p in indicators] == [f"E{row}"]


def test_rows_hidden_by_a_filter_are_named(sample, edit):
    def filtered(wb):
        ws = wb["案例"]
        ws.auto_filter.ref = f"A1:E{ws.max_row}"
        ws.row_dimensions[4].hidden = True  # what Excel writes for rows a filter hides

    edit(sample, fn=filtered)
    assert only(check_workbook(sample), "hidden-rows").cell == "A4"


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_cases_sheet_is_published_and_named(sample, edit, state):
    edit(sample, fn=lambda wb: setattr(wb["案例"], "sheet_state", state))
    result = check_workbook(sample)
    problem = only(result, "hidden-sheet")
    assert problem.sheet == "案例" and "仍会读取并出现在报告中" in problem.message
    assert result.report is not None and any(s.cases for s in result.report.sections)


def test_a_hidden_year_column_is_named(sample, edit):
    edit(sample, fn=lambda wb: setattr(wb["指标"].column_dimensions["F"], "hidden", True))
    problem = only(check_workbook(sample), "hidden-columns")
    assert problem.sheet == "指标" and problem.cell == "F2" and "第 F 列（“本年”）被隐藏" in problem.message


def test_content_in_columns_the_reader_does_not_read_is_named(sample, edit):
    def extra_columns(wb):
        wb["指标"]["H1"] = "备注"
        wb["指标"]["H5"] = "含外省生源"
        wb["正文"]["C4"] = "补充的一段话"  # no header at all

    edit(sample, fn=extra_columns)
    result = check_workbook(sample)
    found = {(p.sheet, p.cell): p for p in result.problems if p.code == "ignored-column"}
    assert set(found) == {("指标", "H5"), ("正文", "C4")}
    assert "第 H 列（“备注”）" in found[("指标", "H5")].message
    assert "第 C 列（没有列标题）" in found[("正文", "C4")].message


def test_a_second_column_with_the_same_header_is_named(sample, edit):
    def second(wb):
        ws = wb["指标"]
        ws["H1"] = "本年"
        ws["H3"] = 999

    edit(sample, fn=second)
    assert only(check_workbook(sample), "ignored-column").cell == "H3"


def test_an_indicator_row_without_a_code_is_named(sample, edit):
    def no_code(wb):
        ws = wb["指标"]
        ws.append([None, "规模", "外省招生人数", "人", 12, 15])

    edit(sample, fn=no_code)
    wb = openpyxl.load_workbook(sample)
    problem = only(check_workbook(sample), "ignored-row")
    assert (problem.sheet, problem.cell) == ("指标", f"A{wb['指标'].max_row}")


@pytest.mark.parametrize("hidden", [False, True])
def test_a_sheet_outside_the_form_is_named(sample, edit, hidden):
    def add(wb):
        ws = wb.create_sheet("学校简介")
        ws["B3"] = "学校创办于 1958 年。"
        if hidden:
            ws.sheet_state = "hidden"

    edit(sample, fn=add)
    problem = only(check_workbook(sample), "extra-sheet")
    assert (problem.sheet, problem.cell) == ("学校简介", "B3")


def test_a_cover_value_under_an_unknown_label_is_named(sample, edit):
    edit(sample, fn=lambda wb: wb["封面"].append(["校长", "张三"]))
    wb = openpyxl.load_workbook(sample)
    problem = only(check_workbook(sample), "unknown-cover-field")
    assert (problem.sheet, problem.cell) == ("封面", f"B{wb['封面'].max_row}") and "张三" in problem.message


def test_a_cover_label_typed_twice_names_the_value_that_is_not_used(sample, edit):
    edit(sample, fn=lambda wb: wb["封面"].append(["单位名称", "北京市海川职业学校（新校区）"]))
    result = check_workbook(sample)
    problem = only(result, "duplicate-cover-field")
    assert (problem.sheet, problem.cell) == ("封面", "B2")
    assert result.report.unit_name == "北京市海川职业学校（新校区）"


def test_a_caption_without_a_photo_is_named(sample, edit):
    edit(sample, cells={("案例", "D2"): None})  # the photo removed, its caption left
    problem = only(check_workbook(sample), "case-caption-without-image")
    assert (problem.sheet, problem.cell) == ("案例", "E2")


def test_every_section_the_dropdown_offers_has_a_place_in_the_report(sample, edition):
    """Each value of the 章节 dropdown (written by vqr init) places a paragraph and a case where the
    template prints them: the preface or a section of the body."""
    from vqr_author.workbook.writer import build_blank_workbook

    choices = build_blank_workbook(edition)["选项"]
    offered = [row[0] for row in choices.iter_rows(min_row=2, values_only=True)]
    assert offered[0] == "前言"
    book, _, _ = load_workbook(sample)
    case, paragraph = book.cases[0], book.paragraphs[0]
    sections = {s.label: s.code for s in edition.narrative_sections}
    book = dataclasses.replace(
        book,
        cases=tuple(dataclasses.replace(case, section=sections[label], title=label) for label in offered),
        paragraphs=tuple(dataclasses.replace(paragraph, section=sections[label], text=label) for label in offered),
    )
    report = build_report(edition, school_source(edition, book))
    printed = (report.preface, *report.sections)
    assert sorted(b.case.title for s in printed for b in s.cases) == sorted(offered)
    assert sorted(p.text for s in printed for p in s.paragraphs) == sorted(offered)


def test_text_typed_in_the_section_column_is_named(sample, edit):
    edit(sample, cells={("正文", "A40"): "学校坚持立德树人，开展了丰富的校园文化活动。", ("正文", "B40"): None})
    problem = only(check_workbook(sample), "unknown-section")
    assert (problem.sheet, problem.cell) == ("正文", "A40") and "不会出现在报告中" in problem.message


def test_a_cover_value_without_its_label_is_named(sample, edit):
    edit(sample, fn=lambda wb: wb["封面"].append([None, "北京市海川区教育委员会监制"]))
    row = openpyxl.load_workbook(sample)["封面"].max_row
    (problem,) = [p for p in check_workbook(sample).problems if p.code == "ignored-row" and p.sheet == "封面"]
    assert problem.cell == f"B{row}" and "监制" in problem.message and "项目" in problem.message
