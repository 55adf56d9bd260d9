"""The numbers of tables, figures and cases: continuous through the report (表 3, 图 2) or per chapter
(表 2-2: the chapter's number, a hyphen, the place in the chapter), as the edition's ``numbering`` says.
Captions, the 目录 and its lists, the bookmarks the page numbers are read from and the case titles all
write the one Number handed out here. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vqr_author.edition.model import Numbering, Section


@dataclass(frozen=True)
class Number:
    """The number of a table, figure or case. ``chapter`` is None in continuous numbering and for
    items outside a numbered chapter (前言, 附表), which are numbered on by themselves."""

    n: int
    chapter: int | None = None
    continuous: bool = True  # False: per-chapter numbering (written as plain text, never a SEQ field)

    def __str__(self) -> str:
        return str(self.n) if self.chapter is None else f"{self.chapter}-{self.n}"

    @property
    def key(self) -> str:
        """The number as it can stand in a bookmark name: 2-2 → 2_2."""
        return str(self.n) if self.chapter is None else f"{self.chapter}_{self.n}"

    @property
    def order(self) -> tuple[int, int]:
        """Sorts numbers in reading order: items outside a chapter before the chapters' own."""
        return (self.chapter or 0, self.n)


def chapter_of(section: Section) -> int | None:
    """The number of the chapter a section belongs to (2.3.1 → 2), None for 前言, 附表 and other
    sections whose code does not start with a number."""
    head = section.code.split(".", 1)[0]
    return int(head) if head.isdigit() else None


class Numberer:
    """Hands out the numbers of one kind of item (tables, or figures, or cases) in document order."""

    def __init__(self, numbering: Numbering) -> None:
        self._per_chapter = numbering == "chapter"
        self._counts: Counter[int | None] = Counter()

    def next(self, section: Section) -> Number:
        chapter = chapter_of(section) if self._per_chapter else None
        self._counts[chapter] += 1
        return Number(self._counts[chapter], chapter, not self._per_chapter)
