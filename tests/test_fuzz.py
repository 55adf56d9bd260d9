"""Property: whatever a person does to a workbook in Excel, the only outcomes are a report or
reported problems — never a crash. Arbitrary cell values and sheet edits go through load →
validate → compute → render."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, SAMPLE_DIR
from vqr_author import check_workbook, render_report
from vqr_author.errors import VqrError

SHEETS = ["封面", "指标", "专业", "资助", "正文", "案例"]
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl cannot write these (the corpus covers them)
SAMPLE_BYTES = SAMPLE.read_bytes()

text = st.text(max_size=60).map(lambda s: ILLEGAL.sub("", s))
cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    text,
    st.sampled_from(["—", "-", "95%", "0.95", "1,234", "１２３", "=A1+1", "{{ x }}", "{% if %}", "<w:p>", "照片/案例1.png",
                     "../x.png", "1.1 立德树人", "公办", "2024", "zhongzhi-2024", "区县"]),
)
set_cell = st.tuples(st.just("set"), st.sampled_from(SHEETS), st.integers(1, 45), st.integers(1, 12), cell_values)
sheet_edit = st.one_of(
    st.tuples(st.just("delete_sheet"), st.sampled_from(SHEETS)),
    st.tuples(st.just("rename_sheet"), st.sampled_from(SHEETS), text),
    st.tuples(st.just("delete_rows"), st.sampled_from(SHEETS), st.integers(1, 45), st.integers(1, 5)),
    st.tuples(st.just("insert_rows"), st.sampled_from(SHEETS), st.integers(1, 45), st.integers(1, 3)),
    st.tuples(st.just("delete_cols"), st.sampled_from(SHEETS), st.integers(1, 12)),
    st.tuples(st.just("merge"), st.sampled_from(SHEETS), st.integers(1, 40), st.integers(1, 8)),
    st.tuples(st.just("percent_format"), st.sampled_from(SHEETS), st.integers(1, 45), st.integers(1, 12)),
)
edits = st.lists(st.one_of(set_cell, set_cell, set_cell, sheet_edit), min_size=1, max_size=12)


def apply(wb: openpyxl.Workbook, edit: tuple) -> None:
    kind, sheet = edit[0], edit[1]
    if sheet not in wb.sheetnames:
        return
    ws = wb[sheet]
    if kind == "set":
        cell = ws.cell(row=edit[2], column=edit[3])
        if not isinstance(cell, openpyxl.cell.cell.MergedCell):
            cell.value = edit[4]
    elif kind == "delete_sheet" and len(wb.sheetnames) > 1:
        wb.remove(ws)
    elif kind == "rename_sheet":
        name = re.sub(r"[\\/*?:\[\]]", "", edit[2])[:31]
        if name and name not in wb.sheetnames:
            ws.title = name
    elif kind == "delete_rows":
        ws.delete_rows(edit[2], edit[3])
    elif kind == "insert_rows":
        ws.insert_rows(edit[2], edit[3])
    elif kind == "delete_cols":
        ws.delete_cols(edit[2])
    elif kind == "merge":
        ws.merge_cells(start_row=edit[2], start_column=edit[3], end_row=edit[2] + 1, end_column=edit[3] + 1)
    elif kind == "percent_format":
        ws.cell(row=edit[2], column=edit[3]).number_format = "0.00%"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_any_edit_gives_a_report_or_reported_problems(edits, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(SAMPLE_DIR / "照片", folder / "照片")
    wb = openpyxl.load_workbook(io.BytesIO(SAMPLE_BYTES))
    for edit in edits:
        apply(wb, edit)
    path = folder / "学校.xlsx"
    wb.save(path)
    out = folder / "报告.docx"
    try:
        result = check_workbook(path)
    except VqrError:
        return
    for problem in result.problems:
        assert problem.message and problem.code
    rendered = render_report(path, out, draft=True)
    assert rendered.written
    docx.Document(str(out))  # the document is valid
    if result.errors:
        refused = render_report(path, folder / "正式.docx")
        assert not refused.written and not (folder / "正式.docx").exists()
