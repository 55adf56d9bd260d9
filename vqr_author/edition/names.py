"""What an edition calls the 封面 fields that identify a school. A module of its own, importing
nothing heavy: a batch re-run in which nothing changed names them without loading the edition model
or the compute package (docs/performance.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vqr_author.workbook.contract import SCHOOL

if TYPE_CHECKING:
    from vqr_author.edition.model import Edition


@dataclass(frozen=True)
class CoverNames:
    """The keys of the 封面 fields of role code, name and year (学校代码, 单位名称, 报告年度), and of the
    fields listed beside each school in 汇总.xlsx (联系人, 联系电话)."""

    code: str
    name: str
    year: str
    summary: tuple[str, ...] = ()

    @classmethod
    def of(cls, edition: Edition, level: str = SCHOOL) -> CoverNames:
        return cls(edition.cover_key("code", level), edition.cover_key("name", level), edition.cover_key("year", level),
                   tuple(f.key for f in edition.cover_fields_for(level) if f.summary))
