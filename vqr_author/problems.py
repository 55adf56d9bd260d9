"""A problem found in a workbook: where it is, what is wrong, what to do. Shared by all stages."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Level.ERROR else "警告"


@dataclass(frozen=True)
class Problem:
    """One answer to one problem. ``code`` is a stable identifier listed in docs/problems.md."""

    level: Level
    code: str
    message: str
    sheet: str = ""
    cell: str = ""
    indicator: str = ""

    @property
    def row(self) -> int | None:
        """The worksheet row of the problem's cell, if it names one."""
        match = re.fullmatch(r"[A-Z]{1,3}(\d+)", self.cell)
        return int(match.group(1)) if match else None

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or "（文件）"

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["level"] = self.level.value
        return {k: data[k] for k in ("level", "code", "sheet", "cell", "indicator", "message")}


def error(code: str, message: str, **where: str) -> Problem:
    return Problem(Level.ERROR, code, message, **where)


def warning(code: str, message: str, **where: str) -> Problem:
    return Problem(Level.WARNING, code, message, **where)


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    return any(p.level is Level.ERROR for p in problems)
