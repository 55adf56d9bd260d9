"""What each command loads: commands that do not render must not pay for the rendering libraries.

`vqr --help` and the parent process of `vqr batch` (which only reads the manifest when nothing
changed) start in a fraction of the time a render takes because they never import openpyxl,
docxtpl, python-docx, Jinja or the edition model (docs/performance.md). The timings are the
benchmark's business; this test holds the import structure that makes them possible. (pydantic
itself is typer's: typer ≥ 0.29 coerces a command's parameters with it.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import SAMPLE_DIR

HEAVY = ("openpyxl", "docxtpl", "docx", "jinja2", "yaml", "PIL", "lxml", "matplotlib",
         "vqr_author.edition.model", "vqr_author.api", "vqr_author.compute")


def loaded_after(code: str) -> set[str]:
    """The HEAVY modules a fresh interpreter has loaded after running ``code``."""
    probe = code + (f"\nimport sys\nheavy = {HEAVY!r}\n"
                    "print('LOADED:', *(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.splitlines()[-1].split()[1:])


def test_help_loads_no_rendering_library() -> None:
    code = ("import sys\nsys.argv = ['vqr', '--help']\nfrom vqr_author.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    assert loaded_after(code) == set()


def test_help_loads_neither_the_batch_machinery_nor_urllib() -> None:
    """Only `vqr batch` needs the process pool, the manifest and 汇总.xlsx's writer; XML text is escaped
    by vqr_author.xml_text, not xml.sax.saxutils (which imports urllib.request, http and email)."""
    code = ("import sys\nsys.argv = ['vqr', '--help']\nfrom vqr_author.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED:', *(m for m in ('vqr_author.batch', 'concurrent.futures', 'multiprocessing', "
            "'urllib.request', 'xml.sax', 'xlsxwriter') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED:"


def test_a_render_loads_no_xlsxwriter_and_no_urllib(tmp_path) -> None:
    """The charts' embedded workbooks are written by output.sheets (docs/performance.md)."""
    code = (f"from vqr_author import render_report\nrender_report({str(SAMPLE_DIR / '海川职业学校.xlsx')!r}, "
            f"{str(tmp_path / 'a.docx')!r}, page_numbers=False)\nimport sys\n"
            "print('LOADED:', *(m for m in ('xlsxwriter', 'openpyxl', 'urllib.request', 'xml.sax') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED:"


def test_every_command_help_loads_no_rendering_library() -> None:
    code = ("import sys\nfrom vqr_author.cli import main\n"
            "for command in ('init', 'check', 'render', 'aggregate', 'batch', 'diff'):\n"
            "    sys.argv = ['vqr', command, '--help']\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n")
    assert loaded_after(code) == set()


def test_naming_editions_and_the_batch_module_load_nothing_heavy() -> None:
    code = ("from vqr_author.edition import DEFAULT_EDITION, available_editions\n"
            "from vqr_author import batch\nfrom vqr_author.workbook import contract\n"
            "assert DEFAULT_EDITION in available_editions()\n")
    assert loaded_after(code) == set()


def test_the_api_still_loads_on_first_use() -> None:
    assert "vqr_author.api" in loaded_after("import vqr_author\nvqr_author.render_report\n")


def test_checking_a_workbook_loads_neither_openpyxl_nor_word() -> None:
    """The cell reader reads the package XML itself (workbook/xlsx.py, workbook/excel.py): openpyxl,
    whose import runs its whole package, is only for the commands that write workbooks; python-docx
    and docxtpl only for those that render (api.produce)."""
    code = f"from vqr_author import check_workbook\nassert check_workbook({str(SAMPLE_DIR / '海川职业学校.xlsx')!r}).ok\n"
    assert not {"openpyxl", "docx", "docxtpl"} & loaded_after(code)


def test_a_batch_rerun_with_nothing_changed_loads_no_edition_model(tmp_path):
    """The names 汇总.xlsx needs (学校代码 …) come from the last run's record when nothing renders."""
    import shutil

    from conftest import ROOT

    folder = tmp_path / "学校"
    shutil.copytree(ROOT / "sample_inputs" / "district" / "学校", folder)
    out = tmp_path / "输出"
    run = (f"from vqr_author.batch import run_batch\n"
           f"result = run_batch({str(folder)!r}, {str(out)!r}, jobs=1, page_numbers=False)\n"
           "assert result.ok\n")
    loaded_after(run)  # the first run renders every school
    again = loaded_after(run)
    assert "vqr_author.edition.model" not in again and "openpyxl" not in again and "docxtpl" not in again


# ------------------------------------------------------------------ `vqr render` without typer's parsing
def test_plain_render_arguments_are_read_directly_and_anything_else_goes_to_typer():
    from pathlib import Path

    from vqr_author.cli import plain_render

    assert plain_render(["render", "学校.xlsx", "-o", "报告.docx", "--draft", "--no-page-numbers"]) == {
        "workbook": Path("学校.xlsx"), "output": Path("报告.docx"), "draft": True, "no_page_numbers": True}
    assert plain_render(["render", "--edition", "zhongzhi-2020", "--template", "t.docx", "学校.xlsx", "--pdf", "--debug"]) == {
        "edition": "zhongzhi-2020", "template": Path("t.docx"), "workbook": Path("学校.xlsx"), "pdf": True, "debug": True}
    for args in (["check", "学校.xlsx"], ["render"], ["render", "--help"], ["render", "学校.xlsx", "--help"],
                 ["render", "学校.xlsx", "--output=报告.docx"], ["render", "学校.xlsx", "-o"], ["render", "学校.xlsx", "-o", "-x.docx"],
                 ["render", "学校.xlsx", "-o", "a.docx", "-o", "b.docx"], ["render", "a.xlsx", "b.xlsx"], ["render", "学校.xlsx", "--drfat"],
                 ["render", "-", "-o", "a.docx"], ["render", "学校.xlsx", "--", "-o"], ["render", ""], ["render", "学校.xlsx", "-oa.docx"]):
        assert plain_render(args) is None, args


def _vqr(*args: str, cwd) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "-c", "from vqr_author.cli import main; main()", *args], capture_output=True,
                          text=True, cwd=cwd, env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "COLUMNS": "120", "PATH": "/usr/bin:/bin", "VQR_PAGE_NUMBERS": "0"})


@pytest.mark.parametrize("case", ["clean", "errors", "draft", "missing"])
def test_a_plain_render_says_and_writes_what_typer_s_parsing_does(case, tmp_path, sample, edit):
    """The same command once as plain arguments (called directly) and once with --output=… (through
    typer): the same output, messages, exit code and report bytes."""
    if case in ("errors", "draft"):
        edit(sample, indicators={"GM01": (845, "abc")})
    workbook = str(tmp_path / "没有.xlsx") if case == "missing" else str(sample)
    extra = ["--draft"] if case == "draft" else []
    out = tmp_path / "报告.docx"
    direct = _vqr("render", workbook, "-o", str(out), *extra, cwd=tmp_path)
    written = out.read_bytes() if out.exists() else None
    out.unlink(missing_ok=True)
    out.with_suffix(".vqr.json").unlink(missing_ok=True)
    parsed = _vqr("render", workbook, f"--output={out}", *extra, cwd=tmp_path)
    assert (direct.returncode, direct.stdout, direct.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr)
    assert written == (out.read_bytes() if out.exists() else None)
    assert direct.returncode == {"clean": 0, "errors": 1, "draft": 1, "missing": 2}[case]


def test_a_plain_render_does_not_build_typer_s_validators(tmp_path):
    code = ("import sys\n"
            f"sys.argv = ['vqr', 'render', {str(SAMPLE_DIR / '海川职业学校.xlsx')!r}, '-o', {str(tmp_path / 'a.docx')!r}]\n"
            "from vqr_author.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED:', 'typer._adapters' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "PATH": "/usr/bin:/bin", "VQR_PAGE_NUMBERS": "0"})
    assert done.stdout.splitlines()[-1] == "LOADED: False"
    assert (tmp_path / "a.docx").is_file()
