"""Generate the reference pages that must never drift from the code:

- docs/problems.md — every problem code the tool reports (from vqr_author.problems.PROBLEM_CODES);
- docs/indicators-<edition>.md — the indicator catalogue of each bundled edition;
- docs/edition-fields.md — every key of the edition file format, from the edition model (docs/edition_fields.py).

Run ``python docs/build_docs.py`` after changing either; the tests check the pages are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from edition_fields import reference  # noqa: E402

from vqr_author.edition import available_editions, load_edition  # noqa: E402
from vqr_author.edition.model import Edition, Kind  # noqa: E402
from vqr_author.problems import PROBLEM_CODES  # noqa: E402

KIND_NAMES = {
    Kind.COUNT: "计数", Kind.AMOUNT: "金额/数量", Kind.RATE: "比率", Kind.SHARE: "占比",
    Kind.RATIO: "比（n:1）", Kind.PER_STUDENT: "生均/平均", Kind.TEXT: "文字",
}
PARTS_NAMES = {"exhaustive": "组成部分（之和=总数）", "disjoint": "其中项（之和≤总数）", "subset": "其中项（≤总数）",
               "detail": "说明项"}


def problems_page() -> str:
    lines = [
        "# 问题代码",
        "",
        "`vqr check --json` 输出的每个问题都带一个稳定的 `code`，其他系统可据此自动处理。",
        "级别（错误/警告）见各条消息；同一代码在不同情况下可能是错误或警告（例如 `rate-as-fraction`）。",
        "文件整体无法读取的问题（前 10 个）使 `vqr check`/`vqr render` 以退出码 2 结束。",
        "",
        "本页由 `python docs/build_docs.py` 根据 `vqr_author/problems.py` 生成，请勿手工修改。",
        "",
        "| 代码 | 含义 |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in PROBLEM_CODES.items()]
    return "\n".join(lines) + "\n"


def catalogue_page(edition: Edition) -> str:
    lines = [
        f"# 指标目录：{edition.name}（`{edition.id}`）",
        "",
        "填报表“指标”工作表的每一行对应下表中的一个填报指标（按此顺序）；派生指标由工具计算，不出现在填报表中。",
        "“其中关系”决定校验规则：组成部分之和必须等于总数；其中项之和或单项不得超过总数。",
        "",
        f"本页由 `python docs/build_docs.py` 根据 `vqr_author/edition/data/{edition.id}.yaml` 生成，请勿手工修改。",
        "",
        "| 代码 | 所属表 | 指标 | 单位 | 类型 | 其中关系 | 计算公式 | 通常范围 | 本年必填 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for ind in edition.indicators:
        relation = f"{PARTS_NAMES[ind.parts]}：{edition.label(ind.parent)}" if ind.parent else ""
        formula = ""
        if ind.formula:
            f = ind.formula

            def terms(codes: tuple[str, ...]) -> str:
                return " + ".join(("" if f.weight(c) == 1 else f"{f.weight(c):g} × ") + edition.label(c) for c in codes)

            scale = "" if f.scale == 1 else f" × {f.scale:g}"
            denominator = terms(f.denominators)
            formula = f"{terms(f.numerator)}{scale} ÷ {denominator if len(f.denominators) == 1 else f'（{denominator}）'}"
        rng = f"{ind.range[0]:g}～{ind.range[1]:g}" if ind.range else ""
        lines.append(f"| {ind.code} | {ind.group} | {edition.label(ind.code)} | {ind.unit or '—'} | {KIND_NAMES[ind.kind]}"
                     f" | {relation} | {formula} | {rng} | {'是' if ind.required else ''} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[Path, str]:
    result = {HERE / "problems.md": problems_page(), HERE / "edition-fields.md": reference()}
    for name in available_editions():
        result[HERE / f"indicators-{name}.md"] = catalogue_page(load_edition(name))
    return result


if __name__ == "__main__":
    for path, text in pages().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
