"""The year the office collects (its 收集年度), and the blank workbook a school downloads from its
link, with its 封面 already filled where the web app knows the answer: the school's 学校代码 and
单位名称 (as the office registered them), its 发布单位 (the school itself) and the 收集年度 as its
报告年度. The 封面 rows are found through the edition's cover roles, never by their names here."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from vqr_author import api
from vqr_author.compute.report import report_years
from vqr_author.edition import load_edition
from vqr_author.errors import VqrError
from vqr_author.web.db import CHINA, Database, School, Setting, Submission, audit
from vqr_author.web.refused import Refused
from vqr_author.web.storage import Store, readable
from vqr_author.workbook.contract import SCHOOL, SHEET_COVER

FIRST_MONTH_OF_NEXT_REPORT = 7  # a year's report is collected from its second half until the spring after
COLLECTION_YEAR = "collection_year"  # the settings row of the 收集年度


def report_year(today: dt.date) -> int:
    """The 报告年度 being collected on ``today``: the year's own from July, the year before until June
    (the 2024 report is filled and published between the end of 2024 and the spring of 2025)."""
    return today.year if today.month >= FIRST_MONTH_OF_NEXT_REPORT else today.year - 1


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA).date()


def cover_year(result: api.CheckResult) -> str:
    """A checked workbook's 报告年度 as stored with its version ("2024"; "" when it names none)."""
    key = result.edition.cover_key("year", result.book.level)
    return str(report_years(result.book.cover_text(key)).this or "") if key else ""


def adopt_year(db: Database, store: Store) -> None:
    """Versions stored before the 收集年度 (revision 0003) have no year: when none has one, the
    newest version's is read from its stored workbook (once), for the 收集年度's default."""
    with db.transaction() as session:
        if session.scalars(select(Submission.id).where(Submission.year != "")).first() is not None:
            return
        newest = session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        if newest is None or not store.workbook(newest.id).is_file():
            return
        try:
            with readable(store.workbook(newest.id)) as path:
                newest.year = cover_year(api.check_workbook(path))
        except VqrError:
            return  # unreadable now: the default falls back to the year being reported


def collection_year(session: Session) -> int:
    """The 报告年度 the office collects, wherever the web app needs “this year”: as the office set it;
    until then, the year of the latest upload that names one; with none, the year being reported now."""
    setting = session.get(Setting, COLLECTION_YEAR)
    if setting is not None and setting.value.isdigit():
        return int(setting.value)
    latest = session.scalars(select(Submission.year).where(Submission.year != "").order_by(Submission.id.desc())).first()
    return int(latest) if latest else report_year(today_in_china())


def set_collection_year(session: Session, text: str, actor: str) -> int:
    """The office sets the 收集年度 (refused in Chinese unless it is a year, or when it changes nothing)."""
    year = report_years(text).this if re.fullmatch(r"\s*\d{4}\s*", text or "") else None
    if year is None:
        raise Refused(422, "收集年度请填写四位数字的年份，例如 2024。")
    setting = session.get(Setting, COLLECTION_YEAR)
    if setting is not None and setting.value == str(year):
        raise Refused(409, f"收集年度已经是 {year} 年，没有改动。")
    if setting is None:
        setting = Setting(key=COLLECTION_YEAR)
        session.add(setting)
    setting.value = str(year)
    audit(session, actor, "设置收集年度", f"{year} 年")
    return year


def blank_for(store: Store, school: School, year: int) -> bytes:
    """The school workbook (vqr init, made once and kept in the cache) with the school's cover filled
    and ``year`` (the 收集年度) as its 报告年度."""
    from openpyxl import load_workbook  # openpyxl: loaded by the pages that write workbooks

    from vqr_author.workbook.writer import fill_cover

    blank = store.cache("blank-school.xlsx")
    if not blank.is_file():
        api.new_workbook(blank)
    edition = load_edition()
    values = {edition.cover_key("code"): school.code, edition.cover_key("name"): school.name,
              edition.cover_key("publisher"): school.name, edition.cover_key("year"): str(year)}
    values.pop("", None)  # a role the edition has no field for
    workbook = load_workbook(blank)
    fill_cover(workbook[SHEET_COVER], edition, SCHOOL, values, year)  # hints follow the year too
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
