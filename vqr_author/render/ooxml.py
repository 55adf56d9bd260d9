"""WordprocessingML for generated tables and captions — the XML layer under render.tables.

Every piece of text goes through ``text_run`` and is escaped there, so user text can never become
markup. Paragraph styles are referred to by the ids the Word template defines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vqr_author.xml_text import escape, quoteattr

if TYPE_CHECKING:
    from vqr_author.compute.numbering import Number

CM = 567  # twips (dxa) per centimetre


def text_run(text: str, *, bold: bool = False, color: str | None = None) -> str:
    props = ""
    if bold or color:
        props = "<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "") + "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def lines_run(lines: list[str], *, bold: bool = False) -> str:
    """One run of text set in the given lines (explicit line breaks between them)."""
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r>{'<w:rPr><w:b/><w:bCs/></w:rPr>' if bold else ''}{body}</w:r>"


def field_runs(instruction: str, cached: str) -> str:
    """A Word field (SEQ, PAGE …) whose current result is already filled in."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{text_run(cached)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph(content: str, style: str, *, align: str | None = None, indent_chars: int = 0,
              keep_next: bool = False, outline_level: int | None = None) -> str:
    props = [f"<w:pStyle w:val={quoteattr(style)}/>"]
    if keep_next:
        props.append("<w:keepNext/>")
    if indent_chars:
        props.append(f'<w:ind w:leftChars="{indent_chars * 100}" w:left="{indent_chars * 210}"/>')
    if align:
        props.append(f'<w:jc w:val="{"both" if align == "justify" else align}"/>')
    if outline_level is not None:
        props.append(f'<w:outlineLvl w:val="{outline_level}"/>')
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{content}</w:p>"


def number_runs(prefix: str, number: Number, sequence: str | None = None) -> str:
    """The number of a caption: in continuous numbering a SEQ field counting the ``prefix``
    captions (表, 附表, 图), so Word's F9 recounts to the same numbers; per chapter (2-2) plain text,
    for the chapter's number comes from the outline's codes, which no Word field can read from our
    headings (they are text, not Word list numbering) — so F9 leaves it as written. ``sequence``: the
    SEQ field's name when it is not the prefix (annex tables captioned 表 count apart from the body's)."""
    if number.continuous:
        return field_runs(f"SEQ {sequence or prefix} \\* ARABIC", str(number))
    return text_run(str(number))


def caption(prefix: str, number: Number, title: str, *, style: str = "TableCaption",
            outline_level: int | None = None, bookmark: tuple[str, int] | None = None,
            sequence: str | None = None) -> str:
    """``表 3 标题`` (or ``表 2-2 标题``) inside the bookmark (name, id) the 目录 and the lists refer to."""
    content = text_run(f"{prefix} ") + number_runs(prefix, number, sequence) + text_run(f" {title}")
    if bookmark is not None:
        name, mark = bookmark
        content = f"<w:bookmarkStart w:id=\"{mark}\" w:name={quoteattr(name)}/>{content}<w:bookmarkEnd w:id=\"{mark}\"/>"
    return paragraph(content, style, keep_next=True, outline_level=outline_level)


def cell(content: str, width: int, *, span: int = 1, vmerge: str | None = None, fill: str | None = None,
         frame: bool = True) -> str:
    """A table cell; without ``frame`` it has no top and side borders (a caption row above the
    table's top rule)."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        props.append("<w:vMerge/>")
    if not frame:
        props.append('<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                     '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:right w:val="nil"/></w:tcBorders>')
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content}</w:tc>"


def row(cells: str, *, header: bool = False) -> str:
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>"


def table(rows: str, widths: list[int], *, margin: int = 85) -> str:
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="{8 if side in ("top", "bottom") else 4}" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )
