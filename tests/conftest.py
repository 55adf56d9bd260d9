from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from vqr_author.edition import Edition, load_edition

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_inputs" / "school"
SAMPLE = SAMPLE_DIR / "海川职业学校.xlsx"


@pytest.fixture(scope="session")
def edition() -> Edition:
    return load_edition()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the sample workbook and its photos."""
    target = tmp_path / "school"
    shutil.copytree(SAMPLE_DIR, target)
    return target / SAMPLE.name


def indicator_row(ws, code: str) -> int:
    for row in ws.iter_rows(min_row=2, max_col=1):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)


Editor = Callable[..., Path]


@pytest.fixture
def edit(tmp_path: Path) -> Editor:
    """edit(path, indicators={code: (last, this)}, cells={("sheet", "A1"): value}, fn=callable) → path."""

    def apply(path: Path, indicators: dict | None = None, cells: dict | None = None, fn=None) -> Path:
        wb = openpyxl.load_workbook(path)
        ws = wb["指标"]
        for code, (last, this) in (indicators or {}).items():
            row = indicator_row(ws, code)
            ws.cell(row=row, column=5).value = last
            ws.cell(row=row, column=6).value = this
        for (sheet, ref), value in (cells or {}).items():
            wb[sheet][ref] = value
        if fn is not None:
            fn(wb)
        wb.save(path)
        return path

    return apply
