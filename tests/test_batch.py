"""`vqr batch`: many workbooks, in parallel, incremental, and one bad file never stops the others."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, indicator_row, unwrapped
from vqr_author import batch
from vqr_author.compute.identity import CoverNames
from vqr_author.edition import load_edition

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


def _contacts(out: Path) -> dict[str, tuple]:
    """学校 → its 联系人 and 联系电话 as 汇总.xlsx lists them (the office calls the school about its problems)."""
    sheet = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["联系人", "联系电话"]
    return {row[1]: row[-2:] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_incremental_rerun_renders_only_what_changed(inbox, tmp_path):
    out = tmp_path / "输出"
    first = batch.run_batch(inbox, out, jobs=2)
    assert all(o.status in (batch.OK, batch.OK_WARNINGS) for o in first.outcomes)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    contacts = _contacts(out)
    assert contacts["北京市海川职业学校"] == ("校长办公室", "010-00000000") and ("—", "—") in contacts.values()
    again = batch.run_batch(inbox, out, jobs=2)
    assert set(_statuses(again).values()) == {batch.UNCHANGED}
    assert _contacts(out) == contacts  # the re-run that loads no edition still lists them
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
    real_hash = batch.file_sha256
    monkeypatch.setattr(batch, "file_sha256", lambda path: hashed.append(Path(path).name) or real_hash(path))
    statuses = _statuses(batch.run_batch(inbox, out, jobs=1))
    assert statuses["海川区旅游商贸学校.xlsx"] == batch.UNCHANGED  # touched, not changed
    assert statuses["海川职业学校.xlsx"] in (batch.OK, batch.OK_WARNINGS)  # its report was replaced
    assert report.read_bytes() != bytes(edited)
    assert "海川区旅游商贸学校.xlsx" in hashed and "海川艺术职业学校.xlsx" not in hashed  # untouched files are not read
    hashed.clear()
    again = _statuses(batch.run_batch(inbox, out, jobs=1))
    assert set(again.values()) == {batch.UNCHANGED}
    assert [name for name in hashed if name.endswith((".xlsx", "质量报告.docx", ".png", ".jpg"))] == []  # times recorded


def test_swapped_reports_are_found_without_hashing_the_untouched(inbox, tmp_path):
    """Two reports swapped on disk keep their modification times (mv): each no longer has the size
    and time recorded for its name, so both are hashed, found wrong and made again."""
    out = tmp_path / "输出"
    batch.run_batch(inbox, out, jobs=2)
    first, second = sorted(out.glob("*质量报告.docx"))[:2]
    right = {first.name: first.read_bytes(), second.name: second.read_bytes()}
    parked = out / "交换中"
    os.replace(first, parked)
    os.replace(second, first)
    os.replace(parked, second)
    result = batch.run_batch(inbox, out, jobs=1)
    remade = {o.output for o in result.outcomes if o.status in (batch.OK, batch.OK_WARNINGS)}
    assert {first.name, second.name} <= remade
    assert first.read_bytes() == right[first.name] and second.read_bytes() == right[second.name]


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


def _cover(path: Path, key: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["封面"]
    next(row for row in ws.iter_rows(min_row=2) if row[0].value == key)[1].value = value
    wb.save(path)


def _summary_rows(out: Path) -> tuple[list[tuple], list[tuple]]:
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    return (list(summary["汇总"].iter_rows(min_row=2, values_only=True)),
            list(summary["问题"].iter_rows(min_row=2, values_only=True)))


TRAVEL = "4111099903-北京市海川区旅游商贸学校-2024年度质量报告.docx"


def test_the_same_file_submitted_twice_is_processed_once(inbox, tmp_path):
    shutil.copyfile(inbox / "第一批" / "海川区旅游商贸学校.xlsx", inbox / "旅游商贸-重新提交.xlsx")
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = _statuses(result)
    assert statuses["旅游商贸-重新提交.xlsx"] == batch.SAME_FILE  # the file named after the school is kept
    assert statuses["海川区旅游商贸学校.xlsx"] in (batch.OK, batch.OK_WARNINGS)
    assert result.ok and (out / TRAVEL).exists() and not list(out.glob(".~vqr-*"))
    twice = next(o for o in result.outcomes if o.status == batch.SAME_FILE)
    assert [p["code"] for p in twice.problems] == ["duplicate-file"]


def test_resubmission_under_a_new_name_refuses_both_and_retires_the_old_report(inbox, tmp_path):
    out = tmp_path / "输出"
    batch.run_batch(inbox, out, jobs=2)
    old_report = (out / TRAVEL).read_bytes()
    resubmitted = inbox / "旅游商贸-修改后.xlsx"
    shutil.copyfile(inbox / "第一批" / "海川区旅游商贸学校.xlsx", resubmitted)
    _set(resubmitted, "GM05", 55)
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = _statuses(result)
    assert statuses["旅游商贸-修改后.xlsx"] == statuses["海川区旅游商贸学校.xlsx"] == batch.DUPLICATE
    assert not (out / TRAVEL).exists()  # the previous report is not left to be taken for the current one
    assert (out / batch.EXPIRED / TRAVEL).read_bytes() == old_report
    both = [p for o in result.outcomes if o.status == batch.DUPLICATE for p in o.problems if p["code"] == "duplicate-school"]
    assert len(both) == 2 and all("旅游商贸-修改后.xlsx" in p["message"] and "第一批/海川区旅游商贸学校.xlsx" in p["message"]
                                  and "修改时间" in p["message"] and p["sheet"] == "封面" and p["cell"] == "B3" for p in both)
    assert [n.code for n in result.notices] == ["report-expired"]
    _, problems = _summary_rows(out)
    assert {p[0] for p in problems if p[6] == "duplicate-school"} == {"旅游商贸-修改后.xlsx", "第一批/海川区旅游商贸学校.xlsx"}
    assert any(p[6] == "report-expired" for p in problems)
    (inbox / "第一批" / "海川区旅游商贸学校.xlsx").unlink()  # the office removes the old file
    statuses = _statuses(batch.run_batch(inbox, out, jobs=2))
    assert statuses["旅游商贸-修改后.xlsx"] in (batch.OK, batch.OK_WARNINGS)
    assert (out / TRAVEL).exists() and (out / TRAVEL).read_bytes() != old_report


def test_same_code_with_another_name_is_flagged_on_both_files(inbox, tmp_path):
    other = inbox / "另一所.xlsx"
    shutil.copyfile(inbox / "第一批" / "海川艺术职业学校.xlsx", other)
    _cover(other, "单位名称", "北京市河西职业学校")  # a school that copied another's workbook and kept its code
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = _statuses(result)
    assert statuses["另一所.xlsx"] == statuses["海川艺术职业学校.xlsx"] == batch.CONFLICT
    assert sum(o.succeeded for o in result.outcomes) == 4 and not result.ok
    conflict = [p for o in result.outcomes for p in o.problems if p["code"] == "school-name-conflict"]
    assert len(conflict) == 2 and all("另一所.xlsx" in p["message"] and "海川艺术职业学校.xlsx" in p["message"]
                                      and p["cell"] == "B2" for p in conflict)
    assert not list(out.glob("*河西*")) and not list(out.glob("*艺术*"))


def test_a_messy_folder_names_every_unusable_entry_and_renders_the_rest(inbox, tmp_path, monkeypatch):
    os.symlink("b.xlsx", inbox / "a.xlsx")
    os.symlink("a.xlsx", inbox / "b.xlsx")  # a link loop
    os.symlink("不存在.xlsx", inbox / "断开的链接.xlsx")
    (inbox / "文件夹.xlsx").mkdir()
    os.symlink("..", inbox / "第一批" / "回到上级")  # a folder link loop
    os.symlink("第一批/海川职业学校.xlsx", inbox / "快捷方式.xlsx")
    locked = inbox / "没有权限.xlsx"
    shutil.copyfile(inbox / "第一批" / "海川职业学校.xlsx", locked)
    vanishing = inbox / "中途被移走.xlsx"
    shutil.copyfile(inbox / "第一批" / "海川职业学校.xlsx", vanishing)
    real_access = os.access  # the permission is simulated: tests may run as root
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p).name == "没有权限.xlsx" else real_access(p, mode))
    out = tmp_path / "输出"
    result = batch.run_batch(inbox, out, jobs=2, progress=lambda o: vanishing.unlink(missing_ok=True))
    statuses = {o.input: o.status for o in result.outcomes}
    codes = {o.input: [p["code"] for p in o.problems] for o in result.outcomes}
    for name, code in (("a.xlsx", "symlink-loop"), ("b.xlsx", "symlink-loop"), ("断开的链接.xlsx", "file-not-found"),
                       ("文件夹.xlsx", "not-a-file"), ("没有权限.xlsx", "permission-denied"),
                       ("中途被移走.xlsx", "file-not-found")):
        assert statuses[name] == batch.SKIPPED and codes[name] == [code], name
    assert statuses["快捷方式.xlsx"] == batch.SAME_FILE
    assert sum(o.succeeded for o in result.outcomes) == 5 and len(list(out.glob("*.docx"))) == 5
    rows, problems = _summary_rows(out)
    assert {r[3] for r in rows if r[4] == batch.SKIPPED} == {"a.xlsx", "b.xlsx", "断开的链接.xlsx", "文件夹.xlsx",
                                                             "没有权限.xlsx", "中途被移走.xlsx"}
    assert all("已跳过" in p[5] for p in problems if p[0] == "a.xlsx")


def test_a_manifest_is_a_cache_that_must_verify(inbox, tmp_path):
    out = tmp_path / "输出"
    batch.run_batch(inbox, out, jobs=2)
    manifest = out / batch.MANIFEST
    good = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**good, "entries": [1, 2]}), encoding="utf-8")  # entries of the wrong type
    result = batch.run_batch(inbox, out, jobs=2)
    assert batch.UNCHANGED not in _statuses(result).values() and result.ok
    assert [n.code for n in result.notices] == ["manifest-discarded"]
    assert set(_statuses(batch.run_batch(inbox, out, jobs=2)).values()) == {batch.UNCHANGED}  # rebuilt
    data = json.loads(manifest.read_text(encoding="utf-8"))
    a, b = "第一批/海川职业学校.xlsx", "第一批/海川艺术职业学校.xlsx"
    for key in ("output", "output_hash", "output_signature"):  # two entries' outputs swapped
        data["entries"][a][key], data["entries"][b][key] = data["entries"][b][key], data["entries"][a][key]
    data["entries"]["第一批/海川区第一职业学校.xlsx"]["status"] = 7  # and one entry of the wrong shape
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = batch.run_batch(inbox, out, jobs=2)
    statuses = {o.input: o.status for o in result.outcomes}
    assert statuses[a] != batch.UNCHANGED and statuses[b] != batch.UNCHANGED
    assert statuses["第一批/海川区第一职业学校.xlsx"] != batch.UNCHANGED
    assert statuses["第一批/海川区旅游商贸学校.xlsx"] == batch.UNCHANGED
    assert {n.file for n in result.notices} == {a, b, "第一批/海川区第一职业学校.xlsx"}
    rows, _ = _summary_rows(out)
    for row in rows:  # each school is mapped to its own report
        assert row[1] in row[7], row


def test_a_long_school_name_gives_a_report_name_that_fits_with_its_side_files(inbox, tmp_path):
    name = "北京市" + "海川区现代服务与智能制造产教融合" * 6 + "职业学校"
    report = batch.report_name("4111099901", name, "2024", "学校")
    assert report == batch.report_name("4111099901", name, "2024", "学校") and report.startswith("4111099901-北京市海川区")
    assert report.endswith("…-2024年度质量报告.docx")
    assert len((Path(report).stem + ".vqr.json").encode("utf-8")) <= 255
    assert batch.report_name("4111099901", "北京市海川职业学校", "2024", "x") == "4111099901-北京市海川职业学校-2024年度质量报告.docx"
    long_file = inbox / "第一批" / ("很长的文件名" * 13 + ".xlsx")  # 238 bytes, and a name too long for the old report name
    shutil.copyfile(inbox / "第一批" / "海川职业学校.xlsx", long_file)
    _cover(long_file, "单位名称", name)
    _cover(long_file, "学校代码", "4111099999")
    result = batch.run_batch(inbox, tmp_path / "输出", jobs=2, pdf=False)
    outcome = next(o for o in result.outcomes if o.input.endswith(long_file.name))
    assert outcome.succeeded, outcome.problems
    assert (tmp_path / "输出" / outcome.output).exists() and len(outcome.output.encode("utf-8")) <= 255 - 4


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
    # the district workbook's own warning (a listed school that is not aggregated), as vqr aggregate says it
    assert "劳动教育典型案例!A3" in done.stdout and "北京市海川区旅游商贸职业学校" in unwrapped(done.stdout)
    problems = list(openpyxl.load_workbook(out / "汇总.xlsx")["问题"].iter_rows(min_row=2, values_only=True))
    listed = [p for p in problems if p[6] == "list-unknown-school"]
    assert [(p[0], p[2], p[3]) for p in listed] == [("海川区.xlsx", "警告", "劳动教育典型案例!A3")]


def test_batch_shows_the_same_aggregate_problems_as_aggregate(inbox, tmp_path):
    """Batch and vqr aggregate report the aggregate's own problems from the same library result."""
    from vqr_author import api

    result = batch.run_batch(inbox, tmp_path / "输出", jobs=2)
    schools = [inbox / o.input for o in result.outcomes]
    aggregated = api.aggregate_report(DISTRICT / "海川区.xlsx", schools, tmp_path / "区县.docx")
    own = aggregated.own_problems
    assert {p.code for p in own} == {"list-unknown-school"}
    assert all(p in aggregated.problems for p in own)
    assert len(aggregated.problems) == len(own) + sum(len(s.problems) for s in aggregated.schools)
    result.add_aggregate_problems(own)
    problems = list(openpyxl.load_workbook(result.summary)["问题"].iter_rows(min_row=2, values_only=True))
    assert [p[6] for p in problems if p[0] == "海川区.xlsx"] == ["list-unknown-school"]


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


def _vqr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"})


def test_output_folders_that_cannot_work_are_refused_before_anything_is_written(inbox, tmp_path):
    (tmp_path / "一个文件").write_text("x", encoding="utf-8")
    (inbox / "第一批" / "输出").mkdir()
    (tmp_path / "空").mkdir()
    cases = {  # -o … → what the message must say
        str(inbox): "就是收集目录",
        str(tmp_path): "包含了收集目录",
        str(tmp_path / "一个文件"): "是一个文件",
        str(inbox / "第一批"): "其中有填报表",  # an output folder inside the inbox that holds workbooks
    }
    for target, said in cases.items():
        done = _vqr("batch", str(inbox), "-o", target)
        assert done.returncode == 2, (target, done.stdout, done.stderr)
        said_all = unwrapped(done.stderr)
        assert said in said_all and "请换一个" in said_all and "Traceback" not in done.stderr + done.stdout
    assert not list(inbox.rglob("汇总.xlsx")) and not list(tmp_path.glob("*.docx"))
    done = _vqr("batch", str(tmp_path / "空"), "-o", str(tmp_path / "输出"))
    assert done.returncode == 2 and "没有找到填报表" in unwrapped(done.stderr)
    done = _vqr("batch", str(tmp_path / "不存在"), "-o", str(tmp_path / "输出"))
    assert done.returncode == 2 and "找不到文件夹" in unwrapped(done.stderr)


def test_a_read_only_output_folder_is_a_clear_message(inbox, tmp_path, monkeypatch):
    from vqr_author.errors import OutputError

    real_access = os.access  # simulated: CI runs as root, for whom every folder is writable
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(OutputError, match="写权限") as raised:
        batch.run_batch(inbox, tmp_path / "输出", jobs=1)
    assert raised.value.exit_code == 2


def test_batch_command_on_a_messy_folder_at_80_columns(inbox, tmp_path):
    os.symlink("b.xlsx", inbox / "a.xlsx")
    os.symlink("a.xlsx", inbox / "b.xlsx")
    other = inbox / "另一所.xlsx"
    shutil.copyfile(inbox / "第一批" / "海川艺术职业学校.xlsx", other)
    _cover(other, "单位名称", "北京市河西职业学校")
    out = tmp_path / "输出"
    out.mkdir()
    (out / batch.MANIFEST).write_text('{"environment": {}, "entries": []}', encoding="utf-8")
    done = _vqr("batch", str(inbox), "-o", str(out), "--jobs", "2")
    text = unwrapped(done.stdout + done.stderr)
    assert done.returncode == 1, text
    assert "Traceback" not in text and "Warning" not in text
    assert "链接循环" in text and "学校代码 4111099905" in text and "vqr-manifest.json" in text
    assert "共 6 份填报表：4 份成功" in text and "另有 2 个文件无法使用、已跳过" in text  # links are not workbooks
    from rich.cells import cell_len

    lines = (done.stdout + done.stderr).splitlines()
    assert max(cell_len(line) for line in lines) <= 80  # the table fits; messages wrap at the terminal's width


def test_a_school_whose_report_could_not_be_written_still_counts_in_the_code_check(inbox):
    """A report that could not be written (disk full) does not hide that another workbook uses its code."""
    one = batch.Outcome("甲.xlsx", batch.NOT_WRITTEN, school="北京市甲职业学校", code="1111111111", year="2024")
    two = batch.Outcome("乙.xlsx", batch.OK, school="北京市乙职业学校", code="1111111111", year="2024")
    batch._resolve_identities([one, two], inbox, CoverNames.of(load_edition()))
    assert one.status == two.status == batch.CONFLICT


def test_of_identical_copies_the_original_name_is_kept():
    """Windows names a copy “X - 副本.xlsx”, browsers “X (1).xlsx”: the plain name is the one kept."""
    def copies(*names: str) -> list[batch.Outcome]:
        return [batch.Outcome(input=n, status=batch.OK, school="北京市海川职业学校") for n in names]

    kept = min(copies("a-copy.xlsx", "a.xlsx", "a (1).xlsx"), key=batch._original_first)
    assert kept.input == "a.xlsx"
    kept = min(copies("收集/表 - 副本.xlsx", "海川职业学校.xlsx"), key=batch._original_first)
    assert kept.input == "海川职业学校.xlsx"


@pytest.mark.parametrize("name", ["海川职业学校.xlsx", "第一批/海川区现代农业职业学校.xlsx", "第一批/子目录/Haichuan-School_2024.XLSX",
                                  "很长很长很长很长很长很长很长很长的文件夹名/学校.xls"])
@pytest.mark.parametrize("width", [10, 14, 17, 30])
def test_file_names_break_only_at_sensible_points(name, width):
    from rich.cells import cell_len

    from vqr_author.cli import wrap_file_name

    lines = wrap_file_name(name, width).split("\n")
    assert "".join(lines) == name and all(cell_len(line) <= width for line in lines)
    extension = name[name.rindex("."):]
    assert any(line.endswith(extension) and len(line) > len(extension) for line in lines)  # whole, with a character
    if width >= 30:
        assert not any(a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()
                       for a, b in zip(lines, lines[1:]))  # a latin word is not split when it fits on a line


def test_batch_table_at_80_columns_keeps_extensions_whole_and_says_why_a_file_is_unreadable(inbox, tmp_path):
    (inbox / "说明文字.xlsx").write_text("不是工作簿", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "batch", str(inbox), "-o", str(tmp_path / "输出"),
                           "--jobs", "2"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 or not line.isascii() for line in lines)
    cells = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert not [c for c in cells if c and c.lstrip(".").lower() in {"x", "xl", "xls", "lsx", "sx", "lsx", "xlsx"}]
    assert not [c for c in cells if c.endswith((".x", ".xl", ".xls"))]
    assert "“说明文字.xlsx”不是 Excel 工作簿" in unwrapped(done.stdout)
