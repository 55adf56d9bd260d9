"""Case photos set to fit the page their case text ends on, from the layout pass.

A case's photo and its caption are one block (the photo keeps with its caption). When the block
does not fit under the case's last line, it moves to the next page and leaves the rest of the page
blank, up to a quarter of it. A typesetter sets such a photo smaller, as high as the room left; the
layout pass (output.pdf) tells where that is. Each case's last paragraph ends in a bookmark
(``case_end``), its photo's caption carries one (the 图目录's), and LibreOffice exports both with
their page and height on the page: a photo whose caption is on a later page than its case's last
line is fitted to the room under that line (``fitted_photos``), at least MIN_HEIGHT_MM high —
with less room the photo moves on, leaving a few lines. The fitted heights are kept with the pages
of the layout (under ``photo_key``), so a remembered layout gives the same document.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from vqr_author.compute.numbering import Number
from vqr_author.compute.report import CaseBlock, Report

MAX_WIDTH_MM = 110
MAX_HEIGHT_MM = 45  # a photo at full size: about a fifth of the 225 mm text block
MIN_HEIGHT_MM = 25  # smaller than this a photo is not fitted: it moves on, leaving under four lines
PT_PER_MM = 72 / 25.4
BORDER_PT = 6  # the case box's bottom border under the caption, with a little air
_CASE_END_IDS = 700_000  # bookmark ids of the case ends (beside render.context.anchor's, below 1 000 000)


def photo_key(number: Number) -> str:
    """The key of case ``number``'s fitted photo height (mm) among the layout's pages."""
    return f"_VqrPhoto{number.key}"


def case_end(number: Number) -> dict[str, Any]:
    """The empty bookmark at the end of case ``number``'s last paragraph: its name and its element."""
    name = f"_VqrCaseEnd{number.key}"
    mark = _CASE_END_IDS + number.order[0] * 1_000 + number.order[1]
    return {"name": name, "mark": Markup(f'<w:bookmarkStart w:id="{mark}" w:name="{name}"/><w:bookmarkEnd w:id="{mark}"/>')}


def photo_size_mm(pixels: tuple[int, int], max_height_mm: float = MAX_HEIGHT_MM) -> tuple[float, float]:
    """Width and height of a photo of ``pixels``: the text width's 110 mm, or less when it is tall."""
    px_width, px_height = pixels
    width = min(MAX_WIDTH_MM, max_height_mm * px_width / px_height)
    return width, width * px_height / px_width


@dataclass(frozen=True)
class Geometry:
    """What the fitting needs of the template, in points from the page's foot (PDF coordinates)."""

    text_top: float
    text_bottom: float
    body_line: float  # a line of case text
    caption_line: float  # the photo's caption


@lru_cache(maxsize=8)
def _geometry(path: Path, mtime_ns: int) -> Geometry | None:
    import docx

    document = docx.Document(str(path))
    section = document.sections[-1]
    styles = {s.style_id: s for s in document.styles}
    lines = [getattr(styles[s].paragraph_format.line_spacing, "pt", None) if s in styles else None
             for s in ("CaseBody", "CaseCaption")]
    if None in lines:  # a custom template without the case styles' exact line heights: photos are not fitted
        return None
    return Geometry(section.page_height.pt - section.top_margin.pt, section.bottom_margin.pt, *lines)


def geometry(template: Path) -> Geometry | None:
    return _geometry(template, template.stat().st_mtime_ns)


def photo_anchors(report: Report) -> set[str]:
    """The bookmarks the fitting reads from a layout."""
    from vqr_author.render.context import anchor

    return {name for b in photo_cases(report)
            for name in (case_end(b.number)["name"], anchor("figure", b.figure_number)["name"])}


def photo_cases(report: Report) -> Iterator[CaseBlock]:
    """The cases with text and a photo, in document order."""
    for content in (report.preface, *report.sections):
        for block in content.cases:
            if block.case.paragraphs and block.case.image_pixels and block.figure_number is not None:
                yield block


def fitted_photos(report: Report, template: Path, places: Mapping[str, tuple[int, float]],
                  fitted: Mapping[str, str]) -> dict[str, str]:
    """The photos that in the layout ``places`` (bookmark → page index and height of its line's
    top) moved to the page after their case's last line, with the height (mm, as text) that fits
    them under it; a photo the room cannot take at MIN_HEIGHT_MM is left as it is. ``fitted``: the
    heights the layout was made with."""
    from vqr_author.render.context import anchor  # the context places these photos: it imports this module

    page = geometry(template)
    found: dict[str, str] = {}
    if page is None:
        return found
    for block in photo_cases(report):
        end, caption = places.get(case_end(block.number)["name"]), places.get(anchor("figure", block.figure_number)["name"])
        if end is None or caption is None or caption[0] <= end[0]:
            continue
        key = photo_key(block.number)
        laid_out = float(fitted[key]) if key in fitted else MAX_HEIGHT_MM
        height = photo_size_mm(block.case.image_pixels, laid_out)[1]
        # on its new page the photo stands at the top: what its paragraph adds to the photo
        spacing = max(0.0, page.text_top - caption[1] - height * PT_PER_MM)
        room = end[1] - page.body_line - page.text_bottom
        fits = math.floor((room - spacing - page.caption_line - BORDER_PT) / PT_PER_MM * 2) / 2  # half millimetres
        if MIN_HEIGHT_MM <= fits < height:
            found[key] = f"{fits:.1f}"
    return found
