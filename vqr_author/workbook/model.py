"""What a loaded workbook holds: parsed values, each with the cell it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

Value = Decimal | str | None


@dataclass(frozen=True)
class Entry:
    """One parsed cell. ``ref`` is ``sheet!cell`` (empty when the value was not in the workbook).
    ``unreadable``: the loader already reported why this cell could not be read (a formula without a
    saved result, text that is not a number, a cell covered by a merge …), so its empty value is not
    reported again as "missing"."""

    value: Value = None
    sheet: str = ""
    cell: str = ""
    percent_marked: bool = False
    unreadable: bool = False
    typed: str = ""  # an unreadable cell's text as typed (约2700), for showing what the cell holds

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet else ""

    @property
    def number(self) -> Decimal | None:
        return self.value if isinstance(self.value, Decimal) else None


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    last: Entry
    this: Entry


@dataclass(frozen=True)
class Record:
    """One row of a record sheet (专业, 资助), values keyed by field key."""

    row: int
    values: dict[str, Entry]

    def get(self, key: str) -> Entry:
        return self.values.get(key, Entry())


@dataclass(frozen=True)
class Paragraph:
    section: str  # outline code
    text: str
    sheet: str
    cell: str


@dataclass(frozen=True)
class Case:
    section: str  # outline code
    title: str
    paragraphs: tuple[str, ...]
    image: Path | None
    image_pixels: tuple[int, int] | None  # (width, height), checked when the workbook was loaded
    caption: str
    sheet: str
    row: int
    source: str = ""  # in district and city reports: the school the case comes from
    image_text: str = ""  # the 图片文件 cell as typed (also when the photo was not found)


@dataclass(frozen=True)
class ReportWorkbook:
    """Everything a school workbook supplies, already parsed; problems are reported separately."""

    path: Path
    edition_id: str
    level: str
    cover: dict[str, Entry]
    indicators: dict[str, IndicatorEntry]
    records: dict[str, tuple[Record, ...]]
    paragraphs: tuple[Paragraph, ...] = ()
    cases: tuple[Case, ...] = ()
    present_indicator_rows: frozenset[str] = field(default_factory=frozenset)
    lists: dict[str, tuple[Record, ...]] = field(default_factory=dict)  # district and city: the office's lists

    def cover_text(self, key: str) -> str:
        value = self.cover.get(key, Entry()).value
        return "" if value is None else str(value)
