"""TableModel → Word XML (caption, table, note). Decides layout only; every text comes from the model."""

from __future__ import annotations

from collections.abc import Collection

from vqr_author.compute.tables import TableModel
from vqr_author.render import ooxml

TEXT_WIDTH = int(15.6 * ooxml.CM)
DRAFT_FILL = "FFC7CE"
DRAFT_MARK = "※"


def column_widths(relative: tuple[float, ...], total: int = TEXT_WIDTH) -> list[int]:
    scale = total / sum(relative)
    widths = [int(w * scale) for w in relative]
    widths[-1] += total - sum(widths)
    return widths


def _header_rows(model: TableModel, widths: list[int]) -> str:
    ncols = len(widths)
    pending: dict[int, tuple[int, int]] = {}  # grid column -> (rows still covered, colspan)
    out = []
    for header_row in model.header:
        cells = iter(header_row)
        xml = []
        col = 0
        while col < ncols:
            if col in pending:
                left, span = pending.pop(col)
                if left > 1:
                    pending[col] = (left - 1, span)
                xml.append(ooxml.cell(ooxml.paragraph("", "TableHeader"), sum(widths[col:col + span]),
                                      span=span, vmerge="continue"))
                col += span
                continue
            hc = next(cells, None)
            if hc is None:
                break
            vmerge = None
            if hc.rowspan > 1:
                pending[col] = (hc.rowspan - 1, hc.colspan)
                vmerge = "restart"
            xml.append(ooxml.cell(ooxml.paragraph(ooxml.text_run(hc.text), "TableHeader", align="center"),
                                  sum(widths[col:col + hc.colspan]), span=hc.colspan, vmerge=vmerge, fill="F2F2F2"))
            col += hc.colspan
        out.append(ooxml.row("".join(xml), header=True))
    return "".join(out)


def _body_rows(model: TableModel, widths: list[int], flagged_refs: Collection[str]) -> str:
    out = []
    rows = model.rows
    for r, cells in enumerate(rows):
        xml = []
        for c, cell in enumerate(cells):
            key = cell.merge_key
            above = rows[r - 1][c].merge_key if r > 0 else None
            below = rows[r + 1][c].merge_key if r + 1 < len(rows) else None
            vmerge = None
            if key is not None and key == above:
                xml.append(ooxml.cell(ooxml.paragraph("", "TableText"), widths[c], vmerge="continue"))
                continue
            if key is not None and key == below:
                vmerge = "restart"
            flagged = bool(flagged_refs) and not cell.refs.isdisjoint(flagged_refs)
            text = cell.text + (DRAFT_MARK if flagged else "")
            content = ooxml.paragraph(ooxml.text_run(text, bold=cell.bold), "TableText", align=cell.align,
                                      indent_chars=2 * cell.indent)
            xml.append(ooxml.cell(content, widths[c], vmerge=vmerge, fill=DRAFT_FILL if flagged else None))
        out.append(ooxml.row("".join(xml)))
    return "".join(out)


def table_block(model: TableModel, flagged_refs: Collection[str] = ()) -> str:
    """Caption above (表 N / 附表 N as a SEQ field), the table, and its note below."""
    widths = column_widths(model.widths)
    prefix = "附表" if model.annex else "表"
    parts = []
    if model.number is not None:
        parts.append(ooxml.caption(prefix, model.number, model.title, outline_level=1 if model.annex else None))
    parts.append(ooxml.table(_header_rows(model, widths) + _body_rows(model, widths, flagged_refs), widths))
    if model.note:
        parts.append(ooxml.paragraph(ooxml.text_run(f"注：{model.note}"), "TableNote"))
    else:
        parts.append(ooxml.paragraph("", "TableNote"))
    return "".join(parts)
