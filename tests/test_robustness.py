"""Nothing a user does destroys a good report; the annotated workbook goes back to the school."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLE_DIR
from vqr_author import annotate_workbook, check_workbook, render_report
from vqr_author.errors import OutputError
from vqr_author.output.atomic import TEMP_PREFIX

# A render whose write pauses after the temporary file holds the new bytes, before it replaces the
# report: the moment an interruption can do the most harm.
SLOW_RENDER = """
import sys, time
import vqr_author.output.atomic as atomic
def slow_fsync(fd):
    print("WRITING", flush=True)
    time.sleep(60)
atomic.os.fsync = slow_fsync
from vqr_author.cli import main
sys.argv = ["vqr", "render", sys.argv[1], "-o", sys.argv[2]]
main()
"""


def _start_slow_render(workbook: Path, report: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RENDER, str(workbook), str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "WRITING" in line:
            return proc
    proc.kill()
    proc.communicate()
    raise AssertionError("the render never reached the write")


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupted_render_keeps_the_previous_report(sample, tmp_path, signum):
    report = tmp_path / "报告.docx"
    render_report(sample, report)
    good = report.read_bytes()
    proc = _start_slow_render(sample, report)
    assert _temporaries(tmp_path)  # the new report is half-way in a temporary file
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "已中断" in err and "Traceback" not in err
    assert report.read_bytes() == good
    assert _temporaries(tmp_path) == []


def test_render_killed_outright_leaves_the_report_and_the_next_run_cleans_up(sample, tmp_path):
    report = tmp_path / "报告.docx"
    render_report(sample, report)
    good = report.read_bytes()
    proc = _start_slow_render(sample, report)
    proc.kill()  # SIGKILL: no handler runs
    proc.communicate(timeout=30)  # and close its pipes (an unclosed pipe is a ResourceWarning, an error here)
    assert report.read_bytes() == good
    assert len(_temporaries(tmp_path)) == 1
    render_report(sample, report)
    assert _temporaries(tmp_path) == []


def test_read_only_output_folder_is_a_clear_message(sample, tmp_path, monkeypatch):
    # The permission is simulated: CI runs as root, for whom every folder is writable.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="权限"):
        render_report(sample, tmp_path / "报告.docx")
    assert not (tmp_path / "报告.docx").exists()


def test_output_path_that_is_a_folder(sample, tmp_path):
    with pytest.raises(OutputError, match="文件夹"):
        render_report(sample, tmp_path)


def test_annotated_workbook_marks_every_problem_and_leaves_the_original_alone(tmp_path):
    source = tmp_path / "含错误.xlsx"
    source.write_bytes((SAMPLE_DIR / "海川职业学校-含错误示例.xlsx").read_bytes())
    before = source.read_bytes()
    result = check_workbook(source)
    target = annotate_workbook(result, tmp_path / "含错误-问题.xlsx")
    assert source.read_bytes() == before
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "问题清单"
    listed = [row for row in wb["问题清单"].iter_rows(min_row=3, values_only=True)]
    assert [(r[2], r[5]) for r in listed] == [(p.place, p.code) for p in result.problems]
    for p in result.problems:
        cell = wb[p.sheet][p.cell]
        expected = "FFC7CE" if p.level.value == "error" else "FFEB9C"
        assert cell.fill.fgColor.rgb.endswith(expected)
        assert p.message in cell.comment.text
    # the annotated copy is still a valid workbook with the same problems
    again = check_workbook(target)
    assert [(p.code, p.place) for p in again.problems] == [(p.code, p.place) for p in result.problems]


def test_annotate_refuses_to_overwrite_the_original(tmp_path):
    source = tmp_path / "学校.xlsx"
    source.write_bytes((SAMPLE_DIR / "海川职业学校-含错误示例.xlsx").read_bytes())
    with pytest.raises(OutputError, match="原文件"):
        annotate_workbook(check_workbook(source), source)


def test_annotate_from_the_command_line(tmp_path):
    source = SAMPLE_DIR / "海川职业学校-含错误示例.xlsx"
    target = tmp_path / "问题.xlsx"
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "check", str(source), "--annotate", str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and target.exists()
    assert "标注" in done.stdout


PEAK_RSS_OF_CHECK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run([sys.executable, '-m', 'vqr_author.cli', 'check', sys.argv[1]], stdout=subprocess.DEVNULL)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def test_oversized_workbooks_are_refused_with_bounded_memory(tmp_path):
    """A zip bomb and a million-row sheet are refused before anything is built in memory."""
    from corpus import CASES

    for name in ("zip-bomb", "million-rows"):
        case = next(c for c in CASES if c.name == name)
        folder = tmp_path / name
        folder.mkdir()
        path = case.build(folder)
        # A fresh parent for the check, so that its peak RSS is the check's alone (RUSAGE_CHILDREN is the
        # largest of all children so far, and earlier tests ran LibreOffice and batch workers).
        done = subprocess.run([sys.executable, "-c", PEAK_RSS_OF_CHECK, str(path)], capture_output=True, text=True)
        returncode, peak_kb = map(int, done.stdout.split())
        assert returncode == 2 and case.code in {"workbook-too-large", "sheet-too-large"}
        assert "拒绝读取" in done.stderr
        assert peak_kb < 300 * 1024, f"{name}: peak RSS {peak_kb // 1024} MB"


# A batch whose workers pause right after staging a report (the files an interruption must not
# leave behind). The pause is patched into the batch module before the workers are forked.
SLOW_BATCH = """
import multiprocessing, os, sys, time
multiprocessing.set_start_method("fork", force=True)
import vqr_author.output.atomic as atomic
parent, real_stage = os.getpid(), atomic.stage
def slow_stage(folder, data):
    path = real_stage(folder, data)
    if os.getpid() != parent:  # in a worker (the batch process itself stages a probe)
        print("STAGED", flush=True)
        time.sleep(60)
    return path
atomic.stage = slow_stage  # the workers stage each report's files through it
from vqr_author.cli import main
sys.argv = ["vqr", "batch", sys.argv[1], "-o", sys.argv[2], "--jobs", "2"]
main()
"""


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for its parent


def _start_slow_batch(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path, list[int]]:
    inbox, out = tmp_path / "收集", tmp_path / "输出"
    shutil.copytree(SAMPLE_DIR.parent / "district" / "学校", inbox)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BATCH, str(inbox), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if "STAGED" in proc.stdout.readline():
            workers = _children(proc.pid)
            assert len(workers) == 2 and _temporaries(out)
            return proc, inbox, out, workers
    proc.kill()
    raise AssertionError("the batch never staged a report")


def _all_ended(pids: list[int]) -> bool:
    deadline = time.time() + 15
    while time.time() < deadline and any(_running(p) for p in pids):
        time.sleep(0.2)
    return not any(_running(p) for p in pids)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc")


@needs_proc
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupted_batch_ends_its_workers_and_leaves_no_temporary_files(tmp_path, how):
    proc, _, out, workers = _start_slow_batch(tmp_path)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole process group gets it
    else:
        proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "已中断" in stderr and "Traceback" not in stdout + stderr
    assert _all_ended(workers)
    assert _temporaries(out) == []


@needs_proc
def test_batch_killed_outright_takes_its_workers_along_and_the_next_run_cleans_up(tmp_path):
    from vqr_author import batch

    proc, inbox, out, workers = _start_slow_batch(tmp_path)
    proc.kill()  # SIGKILL: no handler runs in the batch process
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert _all_ended(workers)  # not left blocked on a pipe, holding memory and staged files
    assert _temporaries(out)
    result = batch.run_batch(inbox, out, jobs=2)
    assert result.ok and _temporaries(out) == []


def test_an_output_name_whose_side_file_would_be_too_long_is_refused_before_writing(sample, tmp_path):
    report = tmp_path / ("很" * 83 + ".docx")  # 254 bytes: the .docx fits, its .vqr.json (258 bytes) would not
    with pytest.raises(OutputError, match="缩短至少 3 字节") as raised:
        render_report(sample, report)
    assert raised.value.exit_code == 2 and list(tmp_path.iterdir()) == [sample.parent]
