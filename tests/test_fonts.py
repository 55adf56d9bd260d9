"""Chart fonts and the terminal: a chart is never drawn with a box in place of a character, the
Chinese font is found by what it covers (not by its name), and no Python warning reaches the user.

Issue 10 item 5: with fonts-noto-cjk and fonts-arphic-ukai installed, matplotlib names them
"Noto Sans CJK JP" and "AR PL UKai CN", which a list of names missed — every label became □ and each
render printed ~92 English warnings."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import docx
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from conftest import SAMPLE_DIR
from vqr_author import check_workbook, render_report
from vqr_author.render import charts

CJK_TEST = "中"


@pytest.fixture
def fresh_fonts():
    """The per-process font choice recomputed for the test, and again after it."""
    charts.cjk_fonts.cache_clear()
    yield
    charts.cjk_fonts.cache_clear()
    font_manager.fontManager._findfont_cached.cache_clear()


def system_has_chinese_font() -> bool:
    """Asked of fontconfig, independently of the code under test."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    return bool(listed.strip())


needs_chinese_font = pytest.mark.skipif(not system_has_chinese_font(), reason="no Chinese font installed (fc-list :lang=zh)")


def cmap(path: str) -> set[int]:
    """The character map of the face matplotlib draws (the first of a collection), read by fontTools."""
    with TTFont(path, fontNumber=0, lazy=True) as font:
        return set(font.getBestCmap())


def media(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]


def captions(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.style.style_id in ("FigureCaption", "CaseCaption")]


def without_warnings(action):  # noqa: ANN001, ANN201
    """``action()``'s result, asserting it raised no warning of any kind (every warning is recorded)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = action()
    assert [str(w.message) for w in caught] == []
    return done


@needs_chinese_font
def test_sample_charts_use_a_font_that_covers_every_label(sample, tmp_path, fresh_fonts, caplog):
    out = tmp_path / "报告.docx"
    result = without_warnings(lambda: render_report(sample, out))
    assert not [r for r in caplog.records if r.levelno >= 30], "no library log line at WARNING or above"
    assert result.notes == []
    assert len(media(out)) == 6 + 3  # the case photos and all three charts
    report = check_workbook(sample).report
    assert report.charts
    for chart in report.charts:
        names = charts.families(chart)
        files = [font_manager.fontManager.findfont(font_manager.FontProperties(family=n), fallback_to_default=False)
                 for n in names]
        covered = set().union(*(cmap(f) for f in files))
        text = charts.chart_text(chart)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
        assert {ch for ch in text if ord(ch) not in covered} == set(), (chart.title, names)


def _only_dejavu() -> list:
    return [e for e in font_manager.fontManager.ttflist if e.name == "DejaVu Sans"]


def test_without_a_chinese_font_charts_are_left_out_with_one_note(sample, tmp_path, fresh_fonts, monkeypatch):
    """A machine whose only fonts are Western: no chart with boxes, one Chinese note, no warning."""
    monkeypatch.setattr(charts, "_installed", _only_dejavu)
    monkeypatch.setattr(charts, "_system_font_files", lambda: sorted({e.fname for e in _only_dejavu()}))
    out = tmp_path / "报告.docx"
    result = without_warnings(lambda: render_report(sample, out))
    assert result.written
    assert result.notes == [charts.NO_CJK_FONT]
    assert "中文字体" in result.notes[0] and "fonts-noto-cjk" in result.notes[0]
    assert len(media(out)) == 6  # the case photos only: no chart was drawn
    numbers = [c.split()[1] for c in captions(out)]
    assert numbers == [str(n) for n in range(1, 7)]  # the photos renumbered 图 1–6, no gap
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "招生、在校生与毕业生人数" not in text  # neither the chart's caption nor its line in 图目录


def test_stale_font_cache_is_rescanned(fresh_fonts, monkeypatch):
    """matplotlib's font cache written before the Chinese fonts were installed: the font folders
    are scanned again and the installed fonts are found."""
    on_disk = [p for p in font_manager.findSystemFonts() if ord(CJK_TEST) in cmap(p)]
    if not on_disk:
        pytest.skip("no Chinese font installed")
    stale = [e for e in font_manager.fontManager.ttflist if e.fname not in on_disk]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    font_manager.fontManager._findfont_cached.cache_clear()
    assert charts._covering(stale) == []  # the cache really lacks them
    found = charts.cjk_fonts()
    assert found and all(path in on_disk for _, path in found)
    report = check_workbook(SAMPLE_DIR / "海川职业学校.xlsx").report
    png = without_warnings(lambda: charts.draw(report.charts[0]))
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size[0] > 500


@needs_chinese_font
def test_a_character_no_font_has_leaves_its_chart_out(sample, edit, tmp_path, fresh_fonts):
    odd = "\U0010fffd"  # a private-use character no font draws
    edit(sample, cells={("专业", "B2"): f"汽车运用与维修{odd}"})
    out = tmp_path / "报告.docx"
    result = without_warnings(lambda: render_report(sample, out))
    assert result.written
    assert len(result.notes) == 1 and odd in result.notes[0] and "没有生成" in result.notes[0]
    assert len(media(out)) < 6 + 3  # the chart with that label is left out; the others are drawn
    numbers = [c.split()[1] for c in captions(out)]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_user_text_in_a_label_is_never_read_as_tex(sample, edit, tmp_path, fresh_fonts):
    edit(sample, cells={("专业", "B2"): r"汽车$\frac{1}{$维修"})  # unbalanced TeX: mathtext would raise
    out = tmp_path / "报告.docx"
    assert without_warnings(lambda: render_report(sample, out)).written


def _vqr(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "default"}  # Python's own default: warnings are shown
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600, check=False)


def test_no_warning_reaches_the_terminal(tmp_path):
    folder = tmp_path / "学校"
    shutil.copytree(SAMPLE_DIR, folder)
    for extra in folder.glob("*.xlsx"):  # the sample school only (the folder also holds a workbook with errors)
        if extra.name != "海川职业学校.xlsx":
            extra.unlink()
    rendered = _vqr("render", str(folder / "海川职业学校.xlsx"), "-o", str(tmp_path / "报告.docx"), cwd=tmp_path)
    batched = _vqr("batch", str(folder), "-o", str(tmp_path / "输出"), "--jobs", "2", cwd=tmp_path)
    for run in (rendered, batched):
        assert run.returncode == 0, run.stdout + run.stderr
        for line in (run.stdout + run.stderr).splitlines():
            assert "Warning" not in line and "findfont" not in line and "Traceback" not in line, line
