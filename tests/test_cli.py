"""The `vqr` command as a user (or another system) calls it: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import unwrapped


def vqr(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "COLUMNS": "160", "PATH": "/usr/bin:/bin", "VQR_PAGE_NUMBERS": "0"})


def test_init_writes_a_blank_workbook_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "学校.xlsx"
    first = vqr("init", "-o", str(target))
    assert first.returncode == 0 and target.exists()
    before = target.read_bytes()
    second = vqr("init", "-o", str(target))
    assert second.returncode == 1 and "--force" in second.stderr
    assert target.read_bytes() == before


def test_check_clean_sample_exits_0(sample):
    result = vqr("check", str(sample))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 个错误" in result.stdout or "未发现问题" in result.stdout


def test_check_json_lists_problems_with_their_place(sample, edit):
    edit(sample, indicators={"GM01": (845, "abc")})
    result = vqr("check", str(sample), "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert all(set(p) == {"level", "code", "sheet", "cell", "indicator", "message"} for p in problems)
    assert any(p["code"] == "not-a-number" and p["sheet"] == "指标" and p["cell"].startswith("F") for p in problems)


@pytest.mark.parametrize(("content", "code"), [(b"", "empty-file"), (b"a,b,c\n1,2,3\n", "not-a-workbook"),
                                                (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-xls-format")])
def test_unreadable_files_exit_2_with_a_chinese_message(tmp_path, content, code):
    path = tmp_path / "学校.xlsx"
    path.write_bytes(content)
    result = vqr("check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    as_json = json.loads(vqr("check", str(path), "--json").stdout)
    assert as_json[0]["code"] == code


def test_render_refuses_with_errors_and_draft_renders(sample, edit, tmp_path):
    edit(sample, indicators={"GM01": (845, "abc")})
    out = tmp_path / "报告.docx"
    refused = vqr("render", str(sample), "-o", str(out))
    assert refused.returncode == 1 and not out.exists()
    assert "未生成报告" in refused.stdout
    draft = vqr("render", str(sample), "-o", str(out), "--draft")
    assert draft.returncode == 1 and out.exists()


def test_render_sample_exits_0(sample, tmp_path):
    out = tmp_path / "报告.docx"
    result = vqr("render", str(sample), "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 50_000


def test_missing_input_and_output_folder(tmp_path, sample):
    missing = vqr("check", str(tmp_path / "没有.xlsx"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
    no_folder = vqr("render", str(sample), "-o", str(tmp_path / "无此目录" / "报告.docx"))
    assert no_folder.returncode == 2 and "不存在" in no_folder.stderr


def test_internal_error_never_shows_a_traceback_and_debug_writes_a_log(tmp_path, monkeypatch):
    script = (
        "import vqr_author.api as api, vqr_author.cli as cli\n"
        "def boom(*a, **k): raise ZeroDivisionError('x')\n"
        "api.check_workbook = boom\n"
        "cli.main()\n"
    )
    plain = subprocess.run([sys.executable, "-c", script, "check", "x.xlsx"], capture_output=True, text=True)
    assert plain.returncode == 3 and "Traceback" not in plain.stderr and "--debug" in plain.stderr
    debug = subprocess.run([sys.executable, "-c", script, "check", "x.xlsx", "--debug"], capture_output=True, text=True)
    assert debug.returncode == 3 and "Traceback" not in debug.stderr
    log = Path(debug.stderr.split("日志文件：")[1].split("。")[0].strip())
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")


COMMANDS = ("init", "check", "render", "aggregate", "batch", "diff", "editions", "serve", "admin-token", "admin-password")
USAGE_ERRORS = [
    ("render", "--", "-x.xlsx", "-o", "out.docx"),  # everything after -- is a file name
    ("render", "-x.xlsx"),
    ("render", "a.xlsx", "b.xlsx"),
    ("render", "a.xlsx", "--draf"),
    ("render", "a.xlsx", "-o"),
    ("render", "a.xlsx", "--pdf=3"),
    ("render",),
    ("check",),
    ("check", "a.xlsx", "--json=x"),
    ("init",),
    ("init", "-o", "x.xlsx", "--level"),
    ("aggregate", "r.xlsx"),
    ("aggregate", "-o", "x.docx"),
    ("batch",),
    ("batch", "d", "-o"),
    ("batch", "d", "-o", "o", "--jobs", "x"),
    ("diff", "a"),
    ("diff", "a", "b", "c"),
    ("editions", "x"),
    ("nosuch",),
    ("--version",),
]


def _in_process(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    from vqr_author import cli

    monkeypatch.setattr(sys, "argv", ["vqr", *args])
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    out, err = capsys.readouterr()
    return stopped.value.code, unwrapped(out + err)


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_are_said_in_chinese_only(capsys, monkeypatch, args):
    code, text = _in_process(capsys, monkeypatch, *args)
    assert code == 2 and text.startswith("错误："), text
    assert "--help 查看用法" in text
    rest = text
    for known in sorted({*args, "vqr", "./", *COMMANDS} - {"--"}, key=len, reverse=True):  # names as typed
        rest = rest.replace(known, "")
    rest = re.sub(r"-{1,2}[A-Za-z][\w-]*|vqr [a-z]+", "", rest)  # option and command names
    assert not re.search(r"[A-Za-z]{2,}", rest), text  # no English left (option names and file names aside)


def test_usage_error_messages_say_what_to_do(capsys, monkeypatch):
    _, text = _in_process(capsys, monkeypatch, "render", "--", "-x.xlsx", "-o", "out.docx")
    assert "多出了参数 -o out.docx" in text and "“--”之前" in text
    _, text = _in_process(capsys, monkeypatch, "render", "-x.xlsx")
    assert "./-x.xlsx" in text and "vqr render --help" in text
    _, text = _in_process(capsys, monkeypatch, "batch", "d", "-o", "o", "--jobs", "x")
    assert "--jobs" in text and "整数" in text
    _, text = _in_process(capsys, monkeypatch, "aggregate", "r.xlsx")
    assert "缺少学校填报表" in text


@pytest.mark.parametrize(("args", "code"), [([], 0), (["check", "sample_inputs/school/海川职业学校-含错误示例.xlsx"], 1)])
def test_a_reader_that_stops_early_gets_no_traceback(args, code):
    """`vqr … | head -1`: the pipe closes while vqr still writes; that is no error of the tool."""
    proc = subprocess.Popen([sys.executable, "-m", "vqr_author.cli", *args], cwd=Path(__file__).resolve().parent.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    proc.stdout.close()  # the reader has gone before vqr writes (head -1 that already has its line)
    stderr = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    assert proc.wait(timeout=60) == code and "Traceback" not in stderr and "工具内部错误" not in stderr, stderr


def test_a_mistyped_command_is_named_with_a_guess_in_chinese():
    result = vqr("rendr", "x.xlsx")
    assert result.returncode == 2
    assert "没有命令“rendr”" in result.stderr and "是否想写 render" in result.stderr
    assert "Did you mean" not in result.stderr and "'" not in result.stderr


def test_a_level_that_does_not_exist_is_a_usage_error(tmp_path):
    result = vqr("init", "--level", "province", "-o", str(tmp_path / "p.xlsx"))
    assert result.returncode == 2 and "province" in result.stderr
    assert not (tmp_path / "p.xlsx").exists()


def test_init_from_a_workbook_with_errors_names_them(sample, edit, tmp_path):
    """What is carried into 上年 must not silently include last year's wrong values."""
    edit(sample, indicators={"GM01": (845, "两千六"), "SZ01": (150, 12.5)})
    result = vqr("init", "--from", str(sample), "-o", str(tmp_path / "2025.xlsx"))
    assert result.returncode == 0
    said = unwrapped(result.stdout)
    assert "去年的填报表有" in said and "个错误" in said
    assert "“两千六”不是数值" in said and "12.5" in said


def test_diff_says_when_the_new_workbook_has_errors(sample, edit, tmp_path):
    import shutil

    changed = edit(shutil.copy(sample, tmp_path / "改后.xlsx"), indicators={"GM01": (845, -5)})
    result = vqr("diff", str(sample), str(changed))
    assert result.returncode == 1
    assert "修改后的填报表有" in unwrapped(result.stdout) and "vqr check" in result.stdout
    as_json = json.loads(vqr("diff", str(sample), str(changed), "--json").stdout)
    assert set(as_json) == {"inputs", "values", "tables", "sentences"}
