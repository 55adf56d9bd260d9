"""Data sentences of the report, written from the edition's sentence templates. Pure.

The edition holds the wording (``sentences:`` level → section → list of templates); these functions
put the computed values in. Templates are Jinja, run in a sandbox with only the functions below:

    q('GM01')          912人 (this year; q('GM01', 'last') for last year)
    n('TJ53')          59.15 — the number alone, when the sentence says the unit itself
    change('GM01')     较上年增加67人，增长7.93% — or 提高/下降 … 个百分点 for rates, 基本持平 within thresholds
    growth('GM01')     较上年增长7.93%
    schools()          5 (district/city: how many schools)
    schools_by('办学性质')  公办4所、民办1所
    schools_change()   ，较2023年减少1所 — with history (--history) only, else nothing
    schools_moved()    与2023年相比，新增…1所，减少…1所。 — with history and a change only
    年度, 上年度        2024, 2023

A sentence that needs a value the workbook does not have is left out, never written with a gap.
User text reaches a sentence only as a value; it is never run as a template. In a district or city
report, a value that stands for fewer schools than the report covers says so where it is written:
"65.22%（按填报了全部所需数据的 4 所学校计算）", "150人（4 所学校填报）".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from vqr_author.compute.display import indicator_text
from vqr_author.compute.phrases import change_phrase, growth_phrase, quantity
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition
from vqr_author.edition.templates import compile_sentence

if TYPE_CHECKING:
    from vqr_author.compute.aggregate import Coverage
    from vqr_author.compute.series import History


class _Missing(Exception):
    """A value the sentence needs is not there."""


def _needed(text: str | None) -> str:
    if text is None:
        raise _Missing
    return text


def render_sentences(
    edition: Edition,
    level: str,
    section: str,
    values: Mapping[str, IndicatorValue],
    year: int | None,
    school_covers: Sequence[Mapping[str, str]] = (),
    coverage: Coverage | None = None,
    history: History | None = None,
) -> tuple[str, ...]:
    """The data sentences of ``section`` for a report of ``level``, joined into one paragraph."""
    templates = edition.sentences.get(level, {}).get(section, ())
    if not templates:
        return ()
    since = f"{year - 1}年" if year else "上年"
    thresholds = edition.thresholds

    def schools_of(code: str, which: str) -> str:
        """How many schools an aggregated value stands for, when that is not all of them."""
        if coverage is None or code in coverage.not_pooled:
            return ""
        count = coverage.reported[code][0 if which == "last" else 1]
        if count >= coverage.schools:
            return ""
        ind = values[code].indicator
        return f"（按填报了全部所需数据的 {count} 所学校计算）" if ind.is_pooled else f"（{count} 所学校填报）"

    def q(code: str, which: str = "this") -> str:
        return _needed(quantity(values[code], which, thresholds)) + schools_of(code, which)

    def n(code: str, which: str = "this") -> str:
        v = values[code]
        value = getattr(v, which)
        text = _needed(None if value is None else indicator_text(value, v.indicator))
        return text + schools_of(code, which)

    def change(code: str) -> str:
        return _needed(change_phrase(values[code], thresholds, since))

    def growth(code: str) -> str:
        return _needed(growth_phrase(values[code], thresholds, since))

    def schools() -> int:
        return len(school_covers)

    def schools_by(field: str) -> str:
        counts: dict[str, int] = {}
        for cover in school_covers:
            counts[cover.get(field) or "未填写"] = counts.get(cover.get(field) or "未填写", 0) + 1
        return "、".join(f"{name}{n}所" for name, n in counts.items())

    before = history.previous if history is not None else None

    def schools_change() -> str:
        """How the number of schools changed since the latest earlier year of the history."""
        if history is None or before is None:
            return ""
        moved = history.count_change(len(history.years) - 1) or 0  # the current year has one before it
        if moved == 0:
            return f"，与{before.year}年持平"
        return f"，较{before.year}年{'增加' if moved > 0 else '减少'}{abs(moved)}所"

    def schools_moved() -> str:
        if history is None or before is None:
            raise _Missing
        new, gone = history.changes(len(history.years) - 1)
        parts = [f"{word}{'、'.join(names)}{len(names)}所" for word, names in (("新增", new), ("减少", gone)) if names]
        if not parts:
            raise _Missing
        return f"与{before.year}年相比，{'，'.join(parts)}。"

    context = {"q": q, "n": n, "change": change, "growth": growth, "schools": schools, "schools_by": schools_by,
               "schools_change": schools_change, "schools_moved": schools_moved,
               "年度": year or "本", "上年度": (year - 1) if year else "上"}
    written = []
    for template in templates:
        try:
            written.append(compile_sentence(template).render(context))
        except _Missing:
            continue
    return ("".join(written),) if written else ()
