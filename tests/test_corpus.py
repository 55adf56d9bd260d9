"""Every bad input of the corpus gets its problem code, a Chinese message naming the place, the right
exit code, no traceback, and no output file; accepted inputs render a valid report."""

from __future__ import annotations

import json
import re
import sys
from unittest import mock

import docx
import pytest

from corpus import CASES, OOXML_TEXT, TEMPLATE_TEXT, Case
from vqr_author import cli

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(capsys, *args: str) -> tuple[int, str, str]:
    argv = sys.argv
    sys.argv = ["vqr", *args]
    try:
        # in-process, the entry point's silencing of warnings (vqr_author.quiet, tested in a real process
        # by test_fonts) would hide from the suite the warnings it turns into errors
        with pytest.raises(SystemExit) as stopped, mock.patch.object(cli, "quiet", lambda: None):
            cli.main()
    finally:
        sys.argv = argv
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path, capsys):
    path = case.build(tmp_path)
    extra = tuple(a.replace("{folder}", str(tmp_path)) for a in case.args)

    code, out, err = run(capsys, "check", str(path), "--json", *extra)
    assert "Traceback" not in out + err
    assert code == case.exit_code, out + err
    problems = json.loads(out)
    for p in problems:
        assert CJK.search(p["message"]), p
        assert p["sheet"] or p["code"] in FILE_LEVEL, p  # every answer names its place (sheet, or the file)
    if case.code is not None:
        matching = [p for p in problems if p["code"] == case.code]
        assert matching, f"expected {case.code}, got {[p['code'] for p in problems]}"
        for words in case.says:
            assert any(words in p["message"] for p in matching), (words, matching)
        if not case.file_level and case.code not in SHEET_LEVEL:
            assert all(p["cell"] for p in matching), matching
    else:
        assert not [p for p in problems if p["level"] == "error"]

    code, out, err = run(capsys, "check", str(path), *extra)  # the human-readable form, too
    assert code == case.exit_code and "Traceback" not in out + err

    report = tmp_path / "报告.docx"
    code, out, err = run(capsys, "render", str(path), "-o", str(report), *extra)
    assert "Traceback" not in out + err
    assert code == case.exit_code
    if case.exit_code == 0:
        text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
        if case.name == "template-syntax":
            assert TEMPLATE_TEXT in text and "{{ 7*7 }}" in text
        if case.name == "raw-ooxml":
            assert OOXML_TEXT in text
        if case.name == "preface-case":
            assert text.index("【案例分享】实施“运河少年”成长计划") < text.index("目　　录")
        if case.name == "cover-as-typed":
            assert "北京市海川职业学校中等职业教育质量年度报告（2024年度）" in text
            assert "2025年1月" in text and "2025年1月1日" not in text and "２" not in text
    else:
        assert not report.exists()
    assert not list(tmp_path.rglob(".~vqr-*"))


FILE_LEVEL = {"file-not-found", "not-a-file", "empty-file", "file-too-large", "password-protected", "old-xls-format",
              "not-a-workbook", "corrupt-workbook", "workbook-too-large", "sheet-too-large"}
SHEET_LEVEL = {"missing-sheet", "missing-indicator", "section-without-text", "empty-record-sheet", "hidden-sheet",
               "optional-indicators-blank"}
