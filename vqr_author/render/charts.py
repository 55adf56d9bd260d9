"""Draw the report's charts (matplotlib, Agg) as PNG, in the sober style of an official report:
no chart junk, values on the bars, readable at print size, one consistent palette, Chinese labels
in a CJK font found on the machine."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

from vqr_author.compute.charts import ChartModel

WIDTH_CM, HEIGHT_CM = 15.0, 7.6
DPI = 150  # sharp enough on paper at the 15 cm the chart is printed
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#7F6000", "#7030A0")
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Noto Serif CJK SC",
             "Sarasa Gothic SC", "AR PL UMing CN")
NO_CJK_FONT = ("没有找到中文字体（如 Noto Sans CJK、文泉驿、黑体、微软雅黑），图表中的中文会显示为方块。"
               "请安装中文字体后重新生成，例如 Debian/Ubuntu：sudo apt-get install fonts-noto-cjk。")


@lru_cache(maxsize=1)
def _pyplot():  # noqa: ANN202 — matplotlib is imported once, and only when a report has charts
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def height_cm(chart: ChartModel) -> float:
    """Vertical bars: a fixed height. Horizontal bars: a row per category, so long lists stay legible."""
    if chart.kind == "bar":
        return HEIGHT_CM
    return max(5.0, 1.8 + len(chart.categories) * (0.3 * len(chart.series) + 0.2))


def _label(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def draw(chart: ChartModel) -> bytes:
    """The chart as PNG bytes (the same chart always gives the same bytes)."""
    plt = _pyplot()
    font = cjk_font()
    style = {"font.family": "sans-serif", "font.sans-serif": [font] if font else ["DejaVu Sans"], "font.size": 9,
             "axes.unicode_minus": False, "svg.hashsalt": "vqr"}
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
