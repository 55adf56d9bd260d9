"""Fonts and the terminal: the report names its fonts (the template's, for the text and the native
charts alike) and the program that opens it sets the text, so generating a report needs no font at
all; LibreOffice's PDF gets an installed Chinese font for each name; no Python warning reaches the user.

Issue 10 item 5 was charts drawn as images with whatever font the generating machine had (labels as
□ and ~92 English warnings per render); issue 11 made them native Word charts, which have no such
dependency — the tests below keep it that way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import SAMPLE_DIR
from vqr_author.output.pdf import FONT_ALIASES
from vqr_author.render import charts


def test_every_font_a_chart_names_has_a_pdf_alias():
    """A machine without 黑体 (Linux) still shows the charts' Chinese in the PDF LibreOffice makes."""
    assert charts.EAST_ASIAN_FONT in FONT_ALIASES


def _vqr(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "default", **(env or {})}  # Python's own default: warnings are shown
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600, check=False)


def _sample_school(folder: Path) -> Path:
    shutil.copytree(SAMPLE_DIR, folder)
    for extra in folder.glob("*.xlsx"):  # the sample school only (the folder also holds a workbook with errors)
        if extra.name != "海川职业学校.xlsx":
            extra.unlink()
    return folder / "海川职业学校.xlsx"


def test_a_machine_without_any_font_writes_the_whole_report(tmp_path):
    """fontconfig told there are no fonts at all: the report is complete, charts included, and says
    nothing about fonts."""
    (tmp_path / "fonts.conf").write_text('<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir>'
                                         f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    workbook = _sample_school(tmp_path / "学校")
    out = tmp_path / "报告.docx"
    run = _vqr("render", str(workbook), "-o", str(out), cwd=tmp_path,
               env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "FONTCONFIG_PATH": str(tmp_path)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "字体" not in run.stdout + run.stderr
    with zipfile.ZipFile(out) as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/charts/chart")]) == 3


def test_no_warning_reaches_the_terminal(tmp_path):
    folder = tmp_path / "学校"
    workbook = _sample_school(folder)
    rendered = _vqr("render", str(workbook), "-o", str(tmp_path / "报告.docx"), cwd=tmp_path)
    batched = _vqr("batch", str(folder), "-o", str(tmp_path / "输出"), "--jobs", "2", cwd=tmp_path)
    for run in (rendered, batched):
        assert run.returncode == 0, run.stdout + run.stderr
        for line in (run.stdout + run.stderr).splitlines():
            assert "Warning" not in line and "Traceback" not in line, line
