"""Draw the report's charts (matplotlib, Agg) as PNG, in the sober style of an official report:
no chart junk, values on the bars, readable at print size, one consistent palette, Chinese labels
in a CJK font found on the machine."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

from vqr_author.compute.charts import ChartModel

WIDTH_CM, HEIGHT_CM = 15.0, 7.6
DPI = 200
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
            fig.tight_layout(pad=0.6)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _bars(ax, chart: ChartModel) -> None:  # noqa: ANN001
    count, n = len(chart.categories), len(chart.series)
    width = 0.8 / n
    positions = range(count)
    numbers = [float(v) for s in chart.series for v in s.values if v is not None]
    top = max(numbers, default=1) or 1
    for i, series in enumerate(chart.series):
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        heights = [float(v) if v is not None else 0 for v in series.values]
        draw = ax.bar if chart.kind == "bar" else ax.barh
        bars = draw(offsets, heights, width * 0.9, label=series.name, color=PALETTE[i % len(PALETTE)])
        labels = [_label(v, chart.decimals) for v in series.values]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=7 if count * n > 12 else 8)
    if chart.kind == "bar":
        ax.set_xticks(list(positions), chart.categories, rotation=30 if count > 6 else 0,
                      ha="right" if count > 6 else "center")
        ax.set_ylim(0, top * 1.15)
        ax.set_yticks([])
        ax.set_ylabel(f"单位：{chart.unit}" if chart.unit else "")
    else:
        ax.set_yticks(list(positions), chart.categories)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.set_xticks([])
        ax.set_xlabel(f"单位：{chart.unit}" if chart.unit else "")
    if n > 1:
        ax.legend(frameon=False, ncols=n, loc="lower center", bbox_to_anchor=(0.5, 1.0))
