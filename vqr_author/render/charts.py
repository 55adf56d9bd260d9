"""Draw the report's charts (matplotlib, Agg) as PNG, in the sober style of an official report:
no chart junk, values on the bars, readable at print size, one consistent palette, Chinese labels
in a CJK font found on the machine."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from vqr_author.compute.charts import ChartModel
from vqr_author.errors import VqrError

WIDTH_CM, HEIGHT_CM = 15.0, 7.6
DPI = 150  # sharp enough on paper at the 15 cm the chart is printed
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#7F6000", "#7030A0")
# Preferred faces, best first: a Hei-style (sans-serif) face designed for Simplified Chinese. Only an
# order of preference — any installed font whose character map covers the labels is accepted.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN", "Microsoft YaHei",
             "SimHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
             "Sarasa Gothic SC", "Droid Sans Fallback")
SANS_WORDS = ("sans", "hei", "gothic", "yahei")
# Common characters of every report: a font lacking any of them is not a Chinese font.
REPRESENTATIVE = "中文图表单位人数学校专业招生在校毕业就业率年度质量报告教师比例：（）"
NO_CJK_FONT = ("没有找到中文字体，报告中的统计图没有生成（为免图中文字显示成方块）。请安装中文字体后重新生成："
               "Windows 一般自带黑体、微软雅黑；Debian/Ubuntu 可运行 sudo apt-get install fonts-noto-cjk。")


class MissingGlyphs(VqrError):
    """A chart whose labels no installed font can show; the message says so in Chinese."""


@lru_cache(maxsize=1)
def _pyplot():  # noqa: ANN202 — matplotlib is imported once, and only when a report has charts
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _has(path: str, text: str) -> bool:
    """Whether the face matplotlib draws from ``path`` (the first face of a collection) maps every
    character of ``text`` to a glyph: FreeType's own character map lookup, as the drawing does."""
    from matplotlib import font_manager

    try:
        font = font_manager.get_font(path)
        return all(font.get_char_index(ord(ch)) for ch in text)
    except (OSError, RuntimeError, ValueError):  # an unreadable font file is no candidate
        return False


def _rank(name: str, weight: object) -> tuple[int, int, str]:
    lower = name.lower()
    kind = 0 if name in PREFERRED else 1 if any(w in lower for w in SANS_WORDS) else 2
    try:
        weight_gap = abs(int(weight) - 400)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        weight_gap = 1000
    return kind, weight_gap, name


def _resolve(name: str) -> str | None:
    """The file matplotlib draws the family ``name`` from (regular weight), or None."""
    from matplotlib import font_manager

    try:
        return font_manager.fontManager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    except ValueError:
        return None


def _covering(entries: list) -> list[tuple[str, str]]:  # noqa: ANN001 — font_manager.FontEntry
    """(family name, file) of the fonts among ``entries`` that hold the representative characters,
    the preferred first; the file is the one matplotlib will use for that name."""
    import matplotlib

    bundled = str(Path(matplotlib.get_data_path()))  # matplotlib ships no Chinese font: skip opening them
    found: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: _rank(e.name, e.weight)):
        if entry.name in found or entry.fname.startswith(bundled) or not _has(entry.fname, REPRESENTATIVE[0]):
            continue
        path = _resolve(entry.name)
        if path and _has(path, REPRESENTATIVE):
            found[entry.name] = path
    return list(found.items())


def _installed() -> list:
    """The fonts matplotlib knows (its font cache)."""
    from matplotlib import font_manager

    return list(font_manager.fontManager.ttflist)


def _system_font_files() -> list[str]:
    from matplotlib import font_manager

    return font_manager.findSystemFonts()


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[tuple[str, str], ...]:
    """(family name, file) of every installed font that can show Chinese, the preferred first;
    empty when there is none. Found by character coverage, not by name. When matplotlib's font cache
    has none (a cache written before the fonts were installed), the system's font folders are
    scanned again and the fonts found there are added."""
    from matplotlib import font_manager

    found = _covering(_installed())
    if found:
        return tuple(found)
    known = {e.fname for e in _installed()}
    for path in _system_font_files():
        if path not in known and _has(path, REPRESENTATIVE):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return tuple(_covering(_installed()))


def chart_text(chart: ChartModel) -> str:
    """Every character the chart draws: categories, the legend, values and the unit."""
    parts = [*chart.categories, *(_label(v, chart.decimals) for s in chart.series for v in s.values)]
    if len(chart.series) > 1:
        parts += [s.name for s in chart.series]
    if chart.unit:
        parts.append(f"单位：{chart.unit}")
    return "".join(parts)


def families(chart: ChartModel) -> list[str]:
    """The fonts to draw ``chart`` with: the preferred Chinese font, then, for characters it lacks,
    other installed fonts that have them. Raises MissingGlyphs when some character is in none:
    a chart is never drawn with a box in place of a character."""
    fonts = cjk_fonts()
    if not fonts:
        raise MissingGlyphs(NO_CJK_FONT)
    chosen = [fonts[0]]
    missing = {ch for ch in chart_text(chart) if ch != "\n" and not _has(fonts[0][1], ch)}
    if missing:
        others = fonts[1:] + tuple((e.name, _resolve(e.name) or e.fname) for e in _installed() if e.style == "normal")
        for name, path in others:
            covered = {ch for ch in missing if _has(path, ch)}
            if covered and name not in (n for n, _ in chosen):
                chosen.append((name, path))
                missing -= covered
            if not missing:
                break
    if missing:
        raise MissingGlyphs(f"图“{chart.title}”中的字符“{''.join(sorted(missing))}”在本机的字体中都没有，"
                            "为免显示成方块，这张图没有生成。请改用常用字，或安装含有这些字符的字体后重新生成。")
    return [name for name, _ in chosen]


def height_cm(chart: ChartModel) -> float:
    """Vertical bars: a fixed height. Horizontal bars: a row per category, so long lists stay legible."""
    if chart.kind == "bar":
        return HEIGHT_CM
    return max(5.0, 1.8 + len(chart.categories) * (0.3 * len(chart.series) + 0.2))


def _label(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def draw(chart: ChartModel) -> bytes:
    """The chart as PNG bytes (the same chart always gives the same bytes). Raises MissingGlyphs
    when no installed font can show its labels."""
    fonts = families(chart)  # before matplotlib draws anything
    plt = _pyplot()
    # text.parse_math off: a label such as "$100$" is the user's text, never TeX to interpret
    style = {"font.family": "sans-serif", "font.sans-serif": fonts, "font.size": 9, "axes.unicode_minus": False,
             "svg.hashsalt": "vqr", "text.parse_math": False}
    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, height_cm(chart) / 2.54), dpi=DPI)
        try:
            _bars(ax, chart)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.spines["left" if chart.kind == "bar" else "bottom"].set_visible(False)
            _margins(fig, chart)
            buffer = io.BytesIO()
            # fast PNG compression: the file is zipped into the .docx anyway
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _margins(fig, chart: ChartModel) -> None:  # noqa: ANN001
    """Fixed margins from the label lengths: tight_layout would draw every chart twice."""
    width_in, height_in = fig.get_size_inches()
    char_in = 9 / 72  # a CJK character at 9 pt
    legend = 0.3 if len(chart.series) > 1 else 0.0
    if chart.kind == "bar":
        rotated = len(chart.categories) > 6
        bottom_in = 0.35 + (max(map(len, chart.categories), default=1) * char_in * 0.6 if rotated else 0.1)
        fig.subplots_adjust(left=0.45 / width_in, right=0.99, top=1 - (0.15 + legend) / height_in,
                            bottom=min(0.6, bottom_in / height_in))
    else:
        left_in = 0.2 + max(map(len, chart.categories), default=1) * char_in
        fig.subplots_adjust(left=min(0.5, left_in / width_in), right=0.93, top=1 - (0.1 + legend) / height_in,
                            bottom=0.45 / height_in)


def _bars(ax, chart: ChartModel) -> None:  # noqa: ANN001
    """Bars as one polygon collection per series and labels as plain texts: matplotlib's bar() and
    tick machinery make an artist per bar and per tick, which is most of a chart's drawing time."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    count, n = len(chart.categories), len(chart.series)
    width = 0.8 / n
    numbers = [float(v) for s in chart.series for v in s.values if v is not None]
    top = (max(numbers, default=1) or 1) * 1.15
    vertical = chart.kind == "bar"
    size = 7 if count * n > 12 else 8
    for i, series in enumerate(chart.series):
        rectangles, labels = [], []
        for position, value in enumerate(series.values):
            if value is None:
                continue
            low, high, length = position - 0.4 + width * i + width * 0.05, position - 0.4 + width * (i + 0.95), float(value)
            rectangles.append([(low, 0), (high, 0), (high, length), (low, length)] if vertical
                              else [(0, low), (0, high), (length, high), (length, low)])
            labels.append(((low + high) / 2, length, _label(value, chart.decimals)))
        ax.add_collection(PolyCollection(rectangles, facecolors=PALETTE[i % len(PALETTE)], edgecolors="none"),
                          autolim=False)
        for middle, length, text in labels:
            if vertical:
                ax.text(middle, length + top * 0.01, text, ha="center", va="bottom", fontsize=size)
            else:
                ax.text(length + top * 0.01, middle, text, ha="left", va="center", fontsize=size)
    if vertical:
        ax.set_xlim(-0.6, count - 0.4)
        ax.set_ylim(0, top)
        rotated = count > 6
        where = blended_transform_factory(ax.transData, ax.transAxes)
        for position, name in enumerate(chart.categories):
            ax.text(position, -0.03, name, transform=where, ha="right" if rotated else "center", va="top",
                    rotation=30 if rotated else 0, rotation_mode="anchor")
        ax.set_ylabel(f"单位：{chart.unit}" if chart.unit else "")
    else:
        ax.set_ylim(count - 0.4, -0.6)
        ax.set_xlim(0, top)
        where = blended_transform_factory(ax.transAxes, ax.transData)
        for position, name in enumerate(chart.categories):
            ax.text(-0.01, position, name, transform=where, ha="right", va="center")
        ax.set_xlabel(f"单位：{chart.unit}" if chart.unit else "")
    ax.set_xticks([])
    ax.set_yticks([])
    if n > 1:
        handles = [Patch(color=PALETTE[i % len(PALETTE)], label=s.name) for i, s in enumerate(chart.series)]
        ax.legend(handles=handles, frameon=False, ncols=n, loc="lower center", bbox_to_anchor=(0.5, 1.0))
