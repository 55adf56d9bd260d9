"""What a user sees on an 80-column terminal: lines that fit, Chinese line breaking, grouped problems, Chinese help."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from rich.cells import cell_len

from vqr_author.problems import Problem, error, warning
from vqr_author.terminal import grouped, wrap

ROOT = Path(__file__).resolve().parent.parent
SCHOOL = ROOT / "sample_inputs" / "school" / "海川职业学校.xlsx"
WITH_ERRORS = ROOT / "sample_inputs" / "school" / "海川职业学校-含错误示例.xlsx"
DISTRICT = ROOT / "sample_inputs" / "district"
CLOSING = "，。、；：？！）」』》”’…%"
COMMANDS = ("init", "check", "render", "aggregate", "batch", "diff", "editions", "serve", "admin-token", "admin-password")


def vqr80(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`vqr` as run in an 80-column terminal (output piped, so rich takes the width from COLUMNS)."""
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "VQR_PAGE_NUMBERS": "0"})


def lines_of(result: subprocess.CompletedProcess) -> list[str]:
    return (result.stdout + result.stderr).splitlines()


def assert_fits_and_breaks_well(lines: list[str], intact: set[str] = frozenset()) -> None:
    """(a) no line is wider than 80 columns; (b) none starts with closing punctuation; (c) no value is split."""
    assert lines
    for line in lines:
        assert cell_len(line) <= 80, f"{cell_len(line)} 列：{line}"
        text = line.strip(" │┃║")
        assert not text or text[0] not in CLOSING, f"行首是标点：{line}"
    for value in intact:
        assert any(value in line for line in lines), f"“{value}”被拆到了两行：\n" + "\n".join(lines)


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"[+\-±]?\d[\d,]*(?:\.\d+)?%?", text))


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "空白.xlsx"
    assert vqr80("init", "-o", str(path)).returncode == 0
    return path


def test_check_output_fits_80_columns_with_numbers_and_cells_whole():
    result = vqr80("check", str(WITH_ERRORS))
    problems = json.loads(vqr80("check", str(WITH_ERRORS), "--json").stdout)
    intact = {f"{p['sheet']}!{p['cell']}" for p in problems} | {n for p in problems for n in numbers_in(p["message"])}
    assert_fits_and_breaks_well(lines_of(result), intact)
    assert "2 个错误，2 个警告" in "".join(line.strip() for line in lines_of(result))


def test_render_refusal_fits_80_columns(tmp_path):
    result = vqr80("render", str(WITH_ERRORS), "-o", str(tmp_path / "报告.docx"))
    assert result.returncode == 1
    assert_fits_and_breaks_well(lines_of(result), {"指标!F150", "0.95", "--draft"})


def test_aggregate_problems_fit_80_columns_under_each_file(tmp_path):
    schools = sorted((DISTRICT / "学校").glob("*.xlsx"))
    broken = tmp_path / "含错误的学校.xlsx"
    shutil.copy(WITH_ERRORS, broken)
    args = (str(DISTRICT / "海川区.xlsx"), *map(str, [*schools, broken]), "-o", str(tmp_path / "区.docx"))
    result = vqr80("aggregate", *args)
    problems = json.loads(vqr80("aggregate", *args, "--json").stdout)
    assert problems and any(p["file"] == broken.name for p in problems)
    intact = {p["cell"] for p in problems if p["cell"]}  # problems alike are grouped: "案例!D2 …、D3 …"
    intact |= {n for p in problems for n in numbers_in(p["message"])} | {broken.name}
    assert_fits_and_breaks_well(lines_of(result), intact)
    assert any(line.startswith(broken.name) for line in lines_of(result))  # the file is a heading, said once


def test_diff_never_splits_a_value(tmp_path):
    result = vqr80("diff", str(SCHOOL), str(WITH_ERRORS))
    changes = json.loads(vqr80("diff", str(SCHOOL), str(WITH_ERRORS), "--json").stdout)
    values = {r[k] for rows in changes.values() for r in rows for k in ("old", "new") if r.get(k) and len(r[k]) <= 20}
    values |= {r["place"] for r in changes["inputs"]} | {r["section"] for r in changes["sentences"]}
    values |= {n for r in changes["sentences"] for k in ("old", "new") for n in numbers_in(r[k])}  # 18.50% in a sentence
    assert "13.2:1" in values and "1.67个百分点" in values
    assert_fits_and_breaks_well(lines_of(result), values)


def test_blank_workbook_check_is_short_and_still_names_every_problem(blank):
    result = vqr80("check", str(blank))
    lines = lines_of(result)
    assert len(lines) <= 30, "\n".join(lines)
    assert_fits_and_breaks_well(lines)
    text = "".join(line.strip() for line in lines).replace("\u00a0", " ")
    assert re.search(r"同样的问题共 2\d 处", text)  # the sections without text, said once
    problems = json.loads(vqr80("check", str(blank), "--json").stdout)  # --json still lists each problem
    assert len(problems) == 13 + 26 and "13 个错误，26 个警告" in text
    for p in problems:
        assert (p["indicator"] or p["sheet"]) in text and p["cell"] in text, p


@pytest.mark.parametrize("command", ("", *COMMANDS))
def test_help_is_chinese_and_fits_80_columns(command):
    result = vqr80(*([command] if command else []), "--help")
    assert result.returncode == 0
    lines = lines_of(result)
    assert lines[0].startswith("用法：vqr")
    for line in lines:
        assert cell_len(line) <= 80, f"{cell_len(line)} 列：{line}"
    text = "\n".join(lines)
    assert "显示本帮助并退出" in text and "选项：" in text
    # what is left once option names, and the names a user types or knows (Word, Excel, file names), are taken out
    rest = re.sub(r"--?[a-z][\w-]*|[\w.*-]*\.(xlsx|docx|json)|zhongzhi-\d+|vqr [a-z]+", "", text)
    known = {"Word", "Excel", "PDF", "JSON", "LibreOffice", "CPU", "school", "district", "city", "sample", "vqr", "admin",
             *COMMANDS}
    english = set(re.findall(r"[A-Za-z]{2,}", rest)) - known
    assert not english, english


def test_wrap_keeps_numbers_cells_and_short_quotes_whole_at_every_width():
    text = ("章节“1.1 立德树人”没有正文。生师比为 24.9人/班，见指标!F150，变化 -6.91%，超过 ±50%。"
            "（例如单位是否一致、是否填错年份）。请在 B2 填写。")
    for width in range(16, 61):
        lines = wrap(text, width, indent=2)
        assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert cell_len(line) <= width and line.strip()[0] not in CLOSING, (width, lines)
            assert not line.rstrip().endswith(("（", "“")), (width, lines)
        for whole in ("24.9人/班", "指标!F150", "-6.91%", "±50%", "B2", "“1.1 立德树人”"):
            assert any(whole in line for line in lines), (width, whole, lines)


def test_wrap_breaks_inside_a_quote_only_when_it_is_wider_than_the_line():
    lines = wrap("说明：“" + "很长的名称" * 6 + "”。", 20)
    assert all(cell_len(line) <= 20 for line in lines) and len(lines) > 3


def _section(name: str) -> Problem:
    return warning("section-without-text", f"章节“{name}”没有正文，报告中该节将为空。", sheet="正文", indicator=name)


def test_grouping_gathers_problems_said_the_same_way_and_keeps_the_rest():
    alike = [_section(f"{i}.1 第{i}章") for i in range(1, 5)]
    other = error("not-a-number", "“招生人数”的本年数据“abc”不是数值。", sheet="指标", cell="F2", indicator="招生人数")
    two = [_section("前言"), _section("结语")]
    groups = grouped([other, *alike])
    assert groups == [[other], alike]
    assert grouped(two) == [[two[0]], [two[1]]]  # two alike are still listed one by one


def test_grouping_of_one_code_whose_words_differ_only_in_a_short_part_lists_that_part():
    import io

    from rich.console import Console

    from vqr_author.terminal import problem_list

    missing = [error("image-not-found", f"找不到图片“照片/案例{i}.png”（在 D:\\学校 中查找）。请检查文件名。",
                     sheet="案例", cell=f"D{i + 1}") for i in range(1, 5)]
    covers = [error("cover-missing-field", f"封面信息“{name}”未填写（{hint}）。请在 B{i} 填写。", sheet="封面",
                    cell=f"B{i}", indicator=name)
              for i, (name, hint) in enumerate([("单位名称", "学校全称，与公章一致"), ("学校代码", "10 位数字"),
                                                ("所属区县", "例如：北京市昌平区")], start=2)]
    assert grouped([*covers, *missing]) == [[c] for c in covers] + [missing]  # each cover hint is kept
    console = Console(width=80, file=io.StringIO())
    console.print(problem_list([*covers, *missing]))
    text = console.file.getvalue()
    assert len(text.splitlines()) <= 3 + 4, text
    assert "同样的问题共 4 处：" in text and "D5 “照片/案例4.png”" in text and "学校全称，与公章一致" in text


def test_diff_of_a_paragraph_shows_old_and_new_text_within_80_columns(sample, edit, tmp_path):
    before = tmp_path / "原.xlsx"
    shutil.copy(sample, before)
    text = openpyxl.load_workbook(sample)["正文"]["B2"].value
    edit(sample, cells={("正文", "B2"): text + "新增一句：学校生师比为 24.9人/班，见指标!F150。"})
    lines = lines_of(vqr80("diff", str(before), str(sample)))
    assert_fits_and_breaks_well(lines, {"正文!B2", "24.9人/班", "指标!F150"})
    assert any(line.strip().startswith("原值：") for line in lines) and any("新值：" in line for line in lines)


def test_a_problem_without_an_indicator_is_separated_from_its_cell_by_one_space():
    lines = lines_of(vqr80("check", str(WITH_ERRORS)))
    entries = [line for line in lines if line.startswith(("错误 ", "警告 "))]
    assert entries and all(re.match(r"^(错误|警告) \S+ \S", line) for line in entries), entries
    assert not any("  " in line.strip() for line in lines)


def test_demo_password_is_on_one_line_within_80_columns(tmp_path):
    """`vqr serve --demo` prints the admin's password before it starts; with its port taken it stops there."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = vqr80("serve", "--demo", "--data", str(tmp_path / "示例"), "--port", str(taken.getsockname()[1]))
    lines = lines_of(result)
    assert result.returncode != 0 and "端口已被其他程序占用" in result.stderr
    assert all(cell_len(line) <= 80 for line in lines), lines
    login = next(line for line in lines if line.startswith("教育局登录："))
    assert re.fullmatch(r"教育局登录：用户名 admin，密码 \S{12}", login), login


def test_an_internal_error_says_where_its_details_are_never_the_exception(monkeypatch):
    from vqr_author import batch
    from vqr_author.web import jobs

    def crash(path):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(batch, "signature", crash)
    outcome = batch.render_one(batch.Task(str(SCHOOL.parent), SCHOOL.name, "report.docx", None, "输出"))
    monkeypatch.setattr(jobs, "crash", lambda: 1 / 0, raising=False)
    web = jobs._run("crash")["message"]
    for message in (outcome.problems[0]["message"], web):
        assert "ZeroDivisionError" not in message and "division" not in message
        log = Path(re.search(r"日志文件：(\S+?\.log)", message).group(1))
        assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
        log.unlink()
