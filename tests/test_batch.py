"""`vqr batch`: many workbooks, in parallel, incremental, and one bad file never stops the others."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, indicator_row
from vqr_author import batch

DISTRICT = ROOT / "sample_inputs" / "district"


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "收集"
    shutil.copytree(DISTRICT / "学校", folder / "第一批")
    return folder


def _set(path: Path, code: str, value) -> None:  # noqa: ANN001
    wb = openpyxl.load_workbook(path)
    wb["指标"].cell(row=indicator_row(wb["指标"], code), column=6).value = value
    wb.save(path)


def _statuses(result: batch.BatchResult) -> dict[str, str]:
    return {Path(o.input).name: o.status for o in result.outcomes}


def test_bad_workbooks_do_not_stop_the_others(inbox, tmp_path):
    _set(inbox / "第一批" / "海川艺术职业学校.xlsx", "GM01", "很多")
    (inbox / "损坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (inbox / "~$海川职业学校.xlsx").write_bytes(b"excel lock file")  # never picked up
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = _statuses(result)
    assert statuses["海川艺术职业学校.xlsx"] == batch.HAS_ERRORS
    assert statuses["损坏.xlsx"] == batch.UNREADABLE
    assert "~$海川职业学校.xlsx" not in statuses
    assert sum(o.succeeded for o in result.outcomes) == 4 and not result.ok
    assert len(list(out.glob("*.docx"))) == 4
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    rows = list(summary["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    problems = list(summary["问题"].iter_rows(min_row=2, values_only=True))
    art = [p for p in problems if p[0].endswith("海川艺术职业学校.xlsx") and p[2] == "错误"]
    assert art and art[0][3].startswith("指标!F")  # sheet!cell
    assert any(p[0] == "损坏.xlsx" and p[6] == "corrupt-workbook" for p in problems)


def test_incremental_rerun_renders_only_what_changed(inbox, tmp_path):
    out = tmp_path / "输出"
    first = batch.run_batch(inbox, out, jobs=2)
    assert all(o.status in (batch.OK, batch.OK_WARNINGS) for o in first.outcomes)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    again = batch.run_batch(inbox, out, jobs=2)
    assert set(_statuses(again).values()) == {batch.UNCHANGED}
    _set(inbox / "第一批" / "海川区旅游商贸学校.xlsx", "GM05", 55)
    third = batch.run_batch(inbox, out, jobs=2)
    rendered = [name for name, status in _statuses(third).items() if status != batch.UNCHANGED]
    assert rendered == ["海川区旅游商贸学校.xlsx"]
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    assert [n for n in after if after[n] != before[n]] == ["4111099903-北京市海川区旅游商贸学校-2024年度质量报告.docx"]
    forced = batch.run_batch(inbox, out, jobs=2, force=True)
    assert batch.UNCHANGED not in _statuses(forced).values()


def test_rerun_trusts_size_and_time_and_reads_only_touched_files(inbox, tmp_path, monkeypatch):
    out = tmp_path / "输出"
    batch.run_batch(inbox, out, jobs=2)
    school = inbox / "第一批" / "海川区旅游商贸学校.xlsx"
    os.utime(school, ns=(school.stat().st_atime_ns, school.stat().st_mtime_ns + 10**9))  # saved again, same content
    report = next(out.glob("*北京市海川职业学校*.docx"))
    edited = bytearray(report.read_bytes())
    edited[-1] ^= 1
    report.write_bytes(bytes(edited))  # someone edited an output by hand
    hashed: list[str] = []
    real_hash = batch.file_hash
    monkeypatch.setattr(batch, "file_hash", lambda path: hashed.append(Path(path).name) or real_hash(path))
    statuses = _statuses(batch.run_batch(inbox, out, jobs=1))
    assert statuses["海川区旅游商贸学校.xlsx"] == batch.UNCHANGED  # touched, not changed
    assert statuses["海川职业学校.xlsx"] in (batch.OK, batch.OK_WARNINGS)  # its report was replaced
    assert report.read_bytes() != bytes(edited)
    assert "海川区旅游商贸学校.xlsx" in hashed and "海川艺术职业学校.xlsx" not in hashed  # untouched files are not read
    hashed.clear()
    again = _statuses(batch.run_batch(inbox, out, jobs=1))
    assert set(again.values()) == {batch.UNCHANGED}
    assert [name for name in hashed if name.endswith((".xlsx", "质量报告.docx", ".png", ".jpg"))] == []  # times recorded


def test_changed_photo_or_template_is_a_change(inbox, tmp_path):
    out = tmp_path / "输出"
    batch.run_batch(inbox, out, jobs=2)
    photo = inbox / "第一批" / "照片" / "案例1.png"
    photo.write_bytes(photo.read_bytes() + b"\0")  # same image, different bytes
    statuses = _statuses(batch.run_batch(inbox, out, jobs=2))
    assert statuses["海川职业学校.xlsx"] != batch.UNCHANGED
    assert statuses["海川区旅游商贸学校.xlsx"] == batch.UNCHANGED
    template = tmp_path / "模板.docx"
    template.write_bytes((ROOT / "templates" / "report.docx").read_bytes() + b"")
    import zipfile

    with zipfile.ZipFile(template, "a") as zf:
        zf.writestr("customXml/note.xml", "<note/>")
    statuses = _statuses(batch.run_batch(inbox, out, jobs=2, template=template))
    assert batch.UNCHANGED not in statuses.values()


def test_two_inputs_for_the_same_report_are_reported_not_overwritten(inbox, tmp_path):
    shutil.copyfile(inbox / "第一批" / "海川区旅游商贸学校.xlsx", inbox / "旅游商贸-重新提交.xlsx")
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = _statuses(result)
    assert statuses["旅游商贸-重新提交.xlsx"] == statuses["海川区旅游商贸学校.xlsx"] == batch.CLASH
    assert not (out / "4111099903-北京市海川区旅游商贸学校-2024年度质量报告.docx").exists()
    clash = next(o for o in result.outcomes if o.input == "旅游商贸-重新提交.xlsx")
    assert any(p["code"] == "output-name-clash" for p in clash.problems)


def crash_on_art_school(task: batch.Task) -> batch.Outcome:
    if "艺术" in task.input:
        os._exit(1)  # the process dies: no exception handler runs
    return batch.render_one(task)


def test_a_crashing_worker_only_fails_its_own_input(inbox, tmp_path):
    tasks = [batch.Task(str(inbox), str(p.relative_to(inbox)), str(ROOT / "templates" / "report.docx"), None,
                        str(tmp_path))
             for p in batch.find_workbooks(inbox)]
    outcomes = batch._run_pool(tasks, 2, lambda o: None, worker=crash_on_art_school)
    statuses = {Path(o.input).name: o.status for o in outcomes}
    assert statuses.pop("海川艺术职业学校.xlsx") == batch.CRASHED
    assert set(statuses.values()) <= {batch.OK, batch.OK_WARNINGS}


def test_batch_command_with_aggregate(inbox, tmp_path):
    out = tmp_path / "输出"
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "batch", str(inbox), "-o", str(out), "--jobs", "2",
                           "--aggregate", str(DISTRICT / "海川区.xlsx")], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "160"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "北京市海川区中等职业教育质量年度报告（2024年度）.docx").exists()
    assert "5 份成功" in done.stdout


def test_twenty_schools_two_broken_then_one_fixed(tmp_path):
    """The issue's scenario: 20 workbooks, 2 broken → 18 reports; fix one → only that one is rendered."""
    import yaml

    sys.path.insert(0, str(ROOT / "sample_inputs"))
    from synth import SchoolSpec, save, school_workbook

    from vqr_author.edition import load_edition

    edition = load_edition()
    text = yaml.safe_load((ROOT / "sample_inputs" / "sample_text.yaml").read_text(encoding="utf-8"))
    inbox = tmp_path / "收集"
    for i in range(20):
        spec = SchoolSpec(f"北京市测试第{i + 1}职业学校", f"41119900{i:02d}", "北京市测试区", "公办", 500 + i, 5)
        save(school_workbook(edition, spec, text), inbox / f"学校{i + 1:02d}.xlsx")
    _set(inbox / "学校03.xlsx", "F6-06", None)  # a required value missing
    _set(inbox / "学校11.xlsx", "F2-01", 0.97)  # a rate typed as a fraction
    out = tmp_path / "输出"
    first = batch.run_batch(inbox, out, jobs=2)
    assert sum(o.succeeded for o in first.outcomes) == 18
    assert len(list(out.glob("*.docx"))) == 18
    failed = {Path(o.input).name: {p["code"] for p in o.problems if p["level"] == "error"} for o in first.failed}
    assert failed == {"学校03.xlsx": {"required-missing"}, "学校11.xlsx": {"rate-as-fraction"}}
    summary = openpyxl.load_workbook(out / "汇总.xlsx")["问题"]
    errors = [r for r in summary.iter_rows(min_row=2, values_only=True) if r[2] == "错误"]
    assert {(r[0], r[6]) for r in errors} == {("学校03.xlsx", "required-missing"), ("学校11.xlsx", "rate-as-fraction")}
    _set(inbox / "学校11.xlsx", "F2-01", 97)
    second = batch.run_batch(inbox, out, jobs=2)
    rendered = sorted(Path(o.input).name for o in second.outcomes if o.status in (batch.OK, batch.OK_WARNINGS))
    assert rendered == ["学校11.xlsx"]
    assert _statuses(second)["学校03.xlsx"] == batch.HAS_ERRORS
    assert len(list(out.glob("*.docx"))) == 19
