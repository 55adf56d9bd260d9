"""The blank workbook a school downloads from its link, with its 封面 already filled where the web
app knows the answer: the school's 学校代码 and 单位名称 (as the office registered them) and the
报告年度. The 封面 rows are found through the edition's cover roles (code, name, year), never by
their names here."""

from __future__ import annotations

import datetime as dt
import io

from vqr_author import api
from vqr_author.edition import load_edition
from vqr_author.web.db import CHINA, School
from vqr_author.web.storage import Store
from vqr_author.workbook.contract import SCHOOL, SHEET_COVER

FIRST_MONTH_OF_NEXT_REPORT = 7  # a year's report is collected from its second half until the spring after


def report_year(today: dt.date) -> int:
    """The 报告年度 being collected on ``today``: the year's own from July, the year before until June
    (the 2024 report is filled and published between the end of 2024 and the spring of 2025)."""
    return today.year if today.month >= FIRST_MONTH_OF_NEXT_REPORT else today.year - 1


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA).date()


def blank_for(store: Store, school: School, today: dt.date) -> bytes:
    """The school workbook (vqr init, made once and kept in the cache) with the school's cover filled."""
    from openpyxl import load_workbook  # openpyxl: loaded by the pages that write workbooks

    from vqr_author.workbook.writer import fill_cover

    blank = store.cache("blank-school.xlsx")
    if not blank.is_file():
        api.new_workbook(blank)
    edition = load_edition()
    values = {edition.cover_key("code"): school.code, edition.cover_key("name"): school.name,
              edition.cover_key("year"): str(report_year(today))}
    values.pop("", None)  # a role the edition has no field for
    workbook = load_workbook(blank)
    fill_cover(workbook[SHEET_COVER], edition, SCHOOL, values, report_year(today))  # hints follow the year too
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
