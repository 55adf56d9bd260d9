"""A school's private page (/s/<token>): its workbooks, problems, report, preview and changes. The
token in the link is the school's only key; the page shows that school and nothing else."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from vqr_author import api
from vqr_author.web.common import (
    form_of,
    bytes_response, check_csrf, file_response, page, parts, read_sent, refuse_large_body, school_csrf, school_of,
)
from vqr_author.web.blanks import blank_for, collection_year
from vqr_author.web.db import School, Submission, audit
from vqr_author.web.desk import (
    Refused, accept_upload, download_name, latest_job, problems_of, queue, report_state,
)
from vqr_author.web.storage import readable

router = APIRouter()


def version_of(session: Session, school: School, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None or submission.school_id != school.id:
        raise Refused(404, "没有找到这一版填报表。")
    return submission


def submission_view(request: Request, session: Session, submission: Submission) -> dict:
    """Everything a page shows about one version (shared by the school's page and the office's)."""
    store = parts(request).store
    pdf_job = latest_job(session, "pdf", submission.id)
    return {
        "submission": submission,
        "problems": problems_of(submission),
        "changes": json.loads(submission.diff_json) if submission.diff_json else None,
        "report": report_state(session, store, submission),
        "pdf_job": pdf_job,
        "has_pdf": store.pdf(submission.id).is_file(),
        "pages": len(store.pages(submission.id)),
        "photos": store.photos(submission.id),
    }


@router.get("/s/{token}", name="school_page")
def school_page(request: Request, token: str, error: str = "", unused: int = 0, reused: int = 0) -> Response:
    """``unused``: how many photos of the last upload no case named; ``reused``: how many its cases
    named that were taken from the previous version (each said once, after the upload)."""
    with parts(request).db.transaction() as session:
        school = school_of(session, token)
        latest = school.latest
        good = [s for s in school.submissions if not s.errors]
        return page(request, "school.html", school=school, csrf=school_csrf(request, school), error=error, unused=unused,
                    year=collection_year(session), carried=good[-1].year if good else None, reused=reused,
                    files=f"/s/{token}/v", view=submission_view(request, session, latest) if latest else None,
                    versions=list(reversed(school.submissions)))


@router.post("/s/{token}/upload")
async def upload(request: Request, token: str) -> Response:
    app = parts(request)
    with app.db.transaction() as session:
        school = school_of(session, token)
        school_id, actor, csrf = school.id, f"学校 {school.code}", school_csrf(request, school)
    refuse_large_body(request, with_photos=True)
    form = await form_of(request)
    check_csrf(request, "school:" + token, form.get("csrf"))
    try:
        accepted = accept_upload(app.db, app.store, school_id, await read_sent(form), actor)
    except Refused as exc:
        with app.db.transaction() as session:
            school = school_of(session, token)
            audit(session, actor, "上传被拒绝", str(exc))
            return page(request, "school.html", status_code=exc.status, school=school, csrf=csrf, error=str(exc),
                        files=f"/s/{token}/v", versions=list(reversed(school.submissions)),
                        view=submission_view(request, session, school.latest) if school.latest else None)
    said = {"unused": len(accepted.unused), "reused": len(accepted.reused)}
    query = "&".join(f"{key}={n}" for key, n in said.items() if n)
    return RedirectResponse(f"/s/{token}{'?' + query if query else ''}#current", status_code=303)


@router.get("/s/{token}/v/{submission_id}/status")
def report_status(request: Request, token: str, submission_id: int) -> Response:
    """The report panel alone, polled by the page while work is under way."""
    with parts(request).db.transaction() as session:
        school = school_of(session, token)
        submission = version_of(session, school, submission_id)
        return page(request, "_report.html", view=submission_view(request, session, submission),
                    files=f"/s/{token}/v", csrf=school_csrf(request, school))


@router.post("/s/{token}/v/{submission_id}/pdf")
async def make_pdf(request: Request, token: str, submission_id: int) -> Response:
    form = await form_of(request)
    check_csrf(request, "school:" + token, form.get("csrf"))
    with parts(request).db.transaction() as session:
        school = school_of(session, token)
        submission = version_of(session, school, submission_id)
        if submission.errors:
            raise Refused(409, "这一版填报表有错误，不能生成报告。请修改后重新上传。")
        queue(session, "pdf", f"学校 {school.code}", submission_id=submission.id)
    return RedirectResponse(f"/s/{token}#report", status_code=303)


def version_file(request: Request, session: Session, school: School, submission: Submission, what: str,
                 actor: str) -> Response:
    """One file of a version: the uploaded workbook, the annotated copy, the report, its PDF."""
    store = parts(request).store
    if what == "workbook.xlsx":
        return file_response(store.workbook(submission.id), download_name(school, f"-填报表第{submission.version}版.xlsx"))
    if what == "annotated.xlsx":
        target = store.annotated(submission.id)
        if not target.is_file():
            with readable(store.workbook(submission.id)) as workbook:
                api.annotate_workbook(api.check_workbook(workbook), target)
        return file_response(target, download_name(school, f"-填报表第{submission.version}版-问题标注.xlsx"))
    if what == "report.docx":
        pdf_docx = store.pdf(submission.id).with_suffix(".docx")  # the PDF's .docx carries real page numbers
        path = pdf_docx if pdf_docx.is_file() else store.report(submission.id)
        audit(session, actor, "下载报告", f"{school.code} 第 {submission.version} 版")
        return file_response(path, download_name(school, ".docx"))
    if what == "report.pdf":
        return file_response(store.pdf(submission.id), download_name(school, ".pdf"), inline=True)
    raise Refused(404, "没有这个文件。")


@router.get("/s/{token}/v/{submission_id}/{what}")
def school_file(request: Request, token: str, submission_id: int, what: str) -> Response:
    with parts(request).db.transaction() as session:
        school = school_of(session, token)
        return version_file(request, session, school, version_of(session, school, submission_id), what,
                            f"学校 {school.code}")


@router.get("/s/{token}/v/{submission_id}/pages/{number}.png")
def page_image(request: Request, token: str, submission_id: int, number: int) -> Response:
    with parts(request).db.transaction() as session:
        school = school_of(session, token)
        return preview_image(request, version_of(session, school, submission_id), number)


def preview_image(request: Request, submission: Submission, number: int) -> Response:
    pages = parts(request).store.pages(submission.id)
    if not 1 <= number <= len(pages):
        raise Refused(404, "没有这一页的预览。")
    return file_response(pages[number - 1], f"第{number}页.png", inline=True)


@router.get("/s/{token}/blank.xlsx")
def blank(request: Request, token: str) -> Response:
    """The blank school workbook with this school's 学校代码, 单位名称, 发布单位 and the office's 收集年度
    as its 报告年度 filled in."""
    app = parts(request)
    with app.db.transaction() as session:
        school = school_of(session, token)
        year = collection_year(session)
    return bytes_response(blank_for(app.store, school, year), download_name(school, f"-{year}年度空白填报表.xlsx"))


@router.get("/s/{token}/next-year.xlsx")
def next_year(request: Request, token: str) -> Response:
    """Next year's workbook carried over from the school's latest version without errors."""
    app = parts(request)
    with app.db.transaction() as session:
        school = school_of(session, token)
        good = [s for s in school.submissions if not s.errors]
        if not good:
            raise Refused(404, "还没有没有错误的填报表，无法生成下一年度的填报表。请先上传并修改到没有错误。")
        source = app.store.workbook(good[-1].id)
    target = app.store.submission(good[-1].id) / "next-year.xlsx"
    if not target.is_file():
        with readable(source) as previous:
            api.new_workbook(target, previous=previous)
    return file_response(target, download_name(school, "-下一年度填报表.xlsx"))
