"""No command writes over one of its own inputs; a report and its record are written as one unit and a
record that does not belong to its report is detected; write failures are said in Chinese."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLE_DIR, indicator_row, unwrapped
from vqr_author import batch, render_report
from vqr_author.changes import manifest_path
from vqr_author.cli import app
from vqr_author.output import atomic
from vqr_author.output.atomic import TEMP_PREFIX

DISTRICT = ROOT / "sample_inputs" / "district"
ENGLISH_OS_TEXT = re.compile(r"No space|Permission denied|Errno|File name too long|Traceback|Warning")


def vqr(*args: str | Path):
    """The command in-process, as a user runs it, in an 80-column terminal."""
    return CliRunner(env={"COLUMNS": "80"}).invoke(app, [str(a) for a in args])


def _refused(result, *words: str) -> None:
    shown = result.stdout + result.stderr
    assert result.exit_code == 2, shown
    assert "✓" not in shown and not ENGLISH_OS_TEXT.search(shown), shown
    for word in words:
        assert word in unwrapped(result.stderr), result.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def district(tmp_path: Path) -> Path:
    target = tmp_path / "区"
    shutil.copytree(DISTRICT, target)
    return target


# --- no command writes over its own inputs ------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["plain", "absolute", "symlink", "hardlink"])
def test_render_never_writes_over_its_own_workbook(sample, tmp_path, monkeypatch, spelling):
    monkeypatch.chdir(sample.parent)
    target = {"plain": Path(sample.name), "absolute": sample, "symlink": tmp_path / "链接.docx",
              "hardlink": tmp_path / "硬链接.docx"}[spelling]
    if spelling == "symlink":
        target.symlink_to(sample)
    elif spelling == "hardlink":
        os.link(sample, target)
    before = _files(tmp_path)
    _refused(vqr("render", sample.name, "-o", target), "填报表", "覆盖", "另取一个文件名")
    assert _files(tmp_path) == before  # the workbook byte for byte, and nothing written beside it


def test_render_never_writes_over_a_case_photo(sample, tmp_path):
    photo = sample.parent / "照片" / "案例1.png"
    good = photo.read_bytes()
    _refused(vqr("render", sample, "-o", photo), ".docx")  # the extension already says it is not a report
    disguised = sample.parent / "照片" / "案例1.docx"
    disguised.symlink_to(photo)
    _refused(vqr("render", sample, "-o", disguised), "案例照片", "覆盖")
    assert photo.read_bytes() == good and not manifest_path(disguised).exists()


def test_render_never_writes_over_its_template(sample, tmp_path):
    template = tmp_path / "模板.docx"
    shutil.copy(ROOT / "templates" / "report.docx", template)
    good = template.read_bytes()
    _refused(vqr("render", sample, "-o", template, "--template", template), "模板")
    assert template.read_bytes() == good


def test_aggregate_never_writes_over_a_school_workbook(district):
    schools = sorted((district / "学校").glob("*.xlsx"))
    before = _files(district)
    _refused(vqr("aggregate", district / "海川区.xlsx", *schools, "-o", schools[0]), "学校填报表", "覆盖")
    linked = district / "区县报告.docx"
    os.link(schools[1], linked)
    _refused(vqr("aggregate", district / "海川区.xlsx", *schools, "-o", linked), "学校填报表")
    os.unlink(linked)
    _refused(vqr("aggregate", district / "海川区.xlsx", *schools, "-o", district / "海川区.xlsx"), "区县（市）填报表")
    assert _files(district) == before


@pytest.mark.parametrize(("command", "target"), [
    (("render", "{sample}", "-o"), "报告.xlsx"),
    (("render", "{sample}", "-o"), "报告.pdf"),
    (("render", "{sample}", "-o"), "报告"),
    (("aggregate", "{region}", "{school}", "-o"), "区县报告.png"),
    (("init", "-o"), "学校.docx"),
    (("check", "{sample}", "--annotate"), "问题.docx"),
])
def test_wrong_extensions_are_refused(sample, district, tmp_path, command, target):
    names = {"sample": sample, "region": district / "海川区.xlsx", "school": district / "学校" / "海川职业学校.xlsx"}
    args = [part.format(**names) for part in command]
    before = _files(tmp_path)
    result = vqr(*args, tmp_path / target)
    _refused(result, "扩展名" if "." in target else "没有扩展名")
    assert ".docx" in result.stderr or ".xlsx" in result.stderr
    assert _files(tmp_path) == before


def test_init_from_never_writes_over_last_years_workbook(sample, tmp_path):
    good = sample.read_bytes()
    _refused(vqr("init", "--from", sample, "-o", sample), "去年的填报表")
    _refused(vqr("init", "--from", sample, "-o", sample, "--force"), "去年的填报表")
    assert sample.read_bytes() == good
    existing = vqr("init", "-o", tmp_path / "新.xlsx")
    assert existing.exit_code == 0 and vqr("init", "-o", tmp_path / "新.xlsx").exit_code == 1  # unchanged: exists → 1


def test_annotate_never_writes_over_the_checked_workbook(tmp_path):
    source = tmp_path / "学校.xlsx"
    shutil.copy(SAMPLE_DIR / "海川职业学校-含错误示例.xlsx", source)
    good = source.read_bytes()
    (tmp_path / "链接.xlsx").symlink_to(source)
    _refused(vqr("check", source, "--annotate", tmp_path / "链接.xlsx"), "--annotate", "填报表")
    assert source.read_bytes() == good


def test_a_record_name_too_long_is_refused_before_anything_is_written(sample, tmp_path):
    report = tmp_path / ("报" * 83 + ".docx")  # 254 bytes: the report would fit, its record (258 bytes) not
    result = vqr("render", sample, "-o", report)
    _refused(result, "太长", "记录文件")
    assert list(tmp_path.iterdir()) == [sample.parent]


def test_an_output_naming_a_folder_is_refused(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in (".", "/", "school"):
        _refused(vqr("render", sample, "-o", folder), "文件夹")


# --- report and record: one unit, and a record that does not belong is detected -------------------------
def test_record_carries_the_hash_of_its_report(sample, tmp_path):
    import hashlib

    report = tmp_path / "报告.docx"
    render_report(sample, report)
    record = json.loads(manifest_path(report).read_text(encoding="utf-8"))
    assert record["report_sha256"] == hashlib.sha256(report.read_bytes()).hexdigest()
    assert vqr("diff", report, sample).exit_code == 0


def test_a_record_of_another_report_is_detected(sample, tmp_path):
    """Two renders of the same output interleaved, or the .docx replaced after its record was written:
    the record describes a different report. vqr diff must not announce changes the report already has."""
    report, other = tmp_path / "报告.docx", tmp_path / "其他.docx"
    render_report(sample, report)
    errors = tmp_path / "含错误.xlsx"
    shutil.copy(SAMPLE_DIR / "海川职业学校-含错误示例.xlsx", errors)
    render_report(errors, other, draft=True)
    shutil.copy(other, report)  # the .docx of one render, the record of the other
    result = vqr("diff", report, sample)
    _refused(result, "不一致", "重新生成报告")
    assert not result.stdout.strip()
    as_json = vqr("diff", report, sample, "--json")
    assert as_json.exit_code == 2 and not as_json.stdout.strip()


@pytest.mark.parametrize("damage", ["missing", "corrupt", "not-an-object", "no-hash", "report-missing"])
def test_missing_or_corrupt_record_exits_2(sample, tmp_path, damage):
    report = tmp_path / "报告.docx"
    render_report(sample, report)
    record = manifest_path(report)
    if damage == "missing":
        record.unlink()
    elif damage == "corrupt":
        record.write_bytes(record.read_bytes()[:100])
    elif damage == "not-an-object":
        record.write_text("[1, 2]", encoding="utf-8")
    elif damage == "no-hash":  # written by an earlier version of the tool
        data = json.loads(record.read_text(encoding="utf-8"))
        del data["report_sha256"]
        record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        report.unlink()
    _refused(vqr("diff", report, sample), "报告")


def test_batch_reports_have_records_and_diff_works_on_them(tmp_path):
    inbox = tmp_path / "收集"
    shutil.copytree(DISTRICT / "学校", inbox)
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=1)
    assert result.ok
    for outcome in result.outcomes:
        assert manifest_path(out / outcome.output).is_file(), outcome.output
    first = result.outcomes[0]
    report, workbook = out / first.output, inbox / first.input
    assert vqr("diff", report, workbook).exit_code == 0
    wb = openpyxl.load_workbook(workbook)
    wb["指标"].cell(row=indicator_row(wb["指标"], "GM01"), column=6).value = 1
    wb.save(workbook)
    changed = vqr("diff", report, workbook)
    assert changed.exit_code == 1 and "指标!F" in changed.stdout


# --- write failures, in Chinese -------------------------------------------------------------------------
def _disk_fills_at_the_record(monkeypatch) -> None:
    """The disk is full when the record (JSON) is staged, after the new .docx was."""
    real = atomic.stage

    def stage(folder: Path, data: bytes) -> Path:
        if data.startswith(b"{"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(folder, data)

    monkeypatch.setattr(atomic, "stage", stage)


def test_disk_full_keeps_the_previous_report_and_its_record_and_says_so_in_chinese(sample, tmp_path, monkeypatch):
    report = tmp_path / "报告.docx"
    render_report(sample, report)
    good = _files(tmp_path)
    wb = openpyxl.load_workbook(sample)
    wb["封面"]["B2"].value = "北京市海川职业技术学校"
    wb.save(sample)
    _disk_fills_at_the_record(monkeypatch)  # the new .docx is staged, then the record cannot be
    result = vqr("render", sample, "-o", report)
    _refused(result, "磁盘已满", "清理磁盘空间")
    assert _files(tmp_path) == {**good, "school/海川职业学校.xlsx": sample.read_bytes()}
    assert not [p for p in tmp_path.rglob(f"{TEMP_PREFIX}*")]
    monkeypatch.undo()
    assert vqr("diff", report, sample).exit_code == 1  # the old report and its record still agree


def test_disk_full_in_batch_is_a_chinese_problem_of_that_file(tmp_path, monkeypatch):
    inbox = tmp_path / "收集"
    shutil.copytree(DISTRICT / "学校", inbox)
    out = tmp_path / "输出"
    out.mkdir()
    _disk_fills_at_the_record(monkeypatch)
    first = sorted(p.name for p in inbox.glob("*.xlsx"))[0]
    outcome = batch.render_one(batch.Task(str(inbox), first, str(ROOT / "templates" / "report.docx"), None, str(out)))
    assert outcome.status == batch.NOT_WRITTEN and outcome.staged == []
    (problem,) = outcome.problems
    assert problem["code"] == "output-not-written" and "磁盘已满" in problem["message"]
    assert not ENGLISH_OS_TEXT.search(problem["message"]) and list(out.iterdir()) == []


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.ENAMETOOLONG, errno.EIO, 9999])
def test_os_errors_are_said_in_chinese(number):
    from vqr_author.errors import os_error_text

    text = os_error_text(OSError(number, os.strerror(number)))
    assert os.strerror(number) not in text and "请" in text
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"Word|WPS", "", text))  # no English (but the product names)
