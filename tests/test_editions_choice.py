"""Choosing an edition is a public interface: `vqr editions` lists them; the workbook records its
edition; a level the edition has no report for is refused cleanly; an aggregate never mixes editions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from vqr_author import aggregate_report
from vqr_author.api import new_workbook
from vqr_author.edition import available_editions, load_edition
from vqr_author.errors import EditionError

RENAMED = ROOT / "tests" / "editions" / "renamed.yaml"
DISTRICT = ROOT / "sample_inputs" / "district"


def vqr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vqr_author.cli", *args], capture_output=True, text=True,
                          env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "COLUMNS": "80", "PATH": "/usr/bin:/bin"})


def test_editions_lists_every_bundled_edition_with_type_and_levels():
    done = vqr("editions", "--json")
    assert done.returncode == 0, done.stderr
    listed = {e["id"]: e for e in json.loads(done.stdout)}
    assert set(listed) == set(available_editions())
    assert listed["zhongzhi-2024"] == {"id": "zhongzhi-2024", "name": load_edition().name, "school_type": "中职",
                                       "levels": ["school", "district", "city"]}
    table = vqr("editions")
    assert table.returncode == 0 and "zhongzhi-2024" in table.stdout and "中职" in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) <= 80


def test_a_level_the_edition_has_no_report_for_is_refused(tmp_path):
    target = tmp_path / "市.xlsx"
    done = vqr("init", "--edition", str(RENAMED), "--level", "city", "-o", str(target))
    assert done.returncode == 2 and not target.exists()
    assert "没有市层级的报告，只有学校、区县" in done.stderr.replace("\n", "") and "Traceback" not in done.stderr
    with pytest.raises(EditionError, match="没有市层级的报告"):
        new_workbook(target, edition=load_edition(RENAMED), level="city")


def test_an_aggregate_refuses_a_school_of_another_edition(tmp_path):
    other = tmp_path / "另一版式学校.xlsx"
    new_workbook(other, edition=load_edition(RENAMED))
    schools = sorted((DISTRICT / "学校").glob("*.xlsx"))
    result = aggregate_report(DISTRICT / "海川区.xlsx", [*schools, other], tmp_path / "区.docx")
    assert not result.written
    (mixed,) = [p for p in result.problems if p.code == "edition-mixed"]
    assert mixed.file == other.name and mixed.sheet == "封面" and mixed.cell
    assert "“另一版式学校.xlsx”是“renamed-test”版式的填报表，而“海川区.xlsx”是“zhongzhi-2024”版式" in mixed.message
    assert [p for p in result.problems if p.file == other.name] == [mixed]  # not also read against the wrong edition
    assert len(result.schools) == len(schools)


def test_an_aggregate_of_only_another_editions_schools_says_so(tmp_path):
    other = tmp_path / "另一版式学校.xlsx"
    new_workbook(other, edition=load_edition(RENAMED))
    done = vqr("aggregate", str(DISTRICT / "海川区.xlsx"), str(other), "-o", str(tmp_path / "区.docx"))
    assert done.returncode == 1 and "没有与“海川区.xlsx”同一版式（zhongzhi-2024）的学校填报表" in done.stderr.replace("\n", "")
    assert not Path(tmp_path / "区.docx").exists()
