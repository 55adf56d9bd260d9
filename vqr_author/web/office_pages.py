"""The office's collection desk (/office): sign in, schools and their links, dashboard, review,
exports, the district report, the audit log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vqr_author.web.common import (
    form_of,
    COOKIE, LOGIN_COOKIE, bytes_response, check_csrf, file_response, office_csrf, page, parts, read_upload,
    refuse_large_body, sign_in_expiry, signed_in,
)
from vqr_author.web.blanks import collection_year, set_collection_year
from vqr_author.web.db import STATES, Admin, Audit, Job, RegionWorkbook, School, SignIn, Submission, audit, now
from vqr_author.web.desk import (
    Refused, accept_region, approved, create_school, latest_job, queue, reports_zip, review, schools_from_list,
    summary,
)
from vqr_author.web.school_pages import preview_image, submission_view, version_file
from vqr_author.web.security import csrf_token, new_token, password_matches, token_hash

router = APIRouter()
T = TypeVar("T")
LEVELS = {"district": "区县", "city": "市"}


@router.get("/")
def home() -> Response:
    return RedirectResponse("/office", status_code=303)


def as_office(request: Request, action: Callable[[Session, Admin], T]) -> T | Response:
    """Run ``action`` for the signed-in office, or send the browser to the sign-in page."""
    with parts(request).db.transaction() as session:
        admin = signed_in(request, session)
        if admin is None:
            return RedirectResponse("/office/login", status_code=303)
        return action(session, admin)


async def office_form(request: Request) -> dict:
    """The posted form of a signed-in page, its CSRF token checked."""
    refuse_large_body(request)
    form = await form_of(request)
    check_csrf(request, "office:" + request.cookies.get(COOKIE, ""), form.get("csrf"))
    return dict(form)


# -- sign in -------------------------------------------------------------------------------------
def login_page(request: Request, message: str = "", status_code: int = 200) -> Response:
    with parts(request).db.transaction() as session:
        has_admin = session.scalar(select(func.count(Admin.id))) > 0
    nonce = request.cookies.get(LOGIN_COOKIE) or new_token()
    response = page(request, "login.html", status_code=status_code, message=message, has_admin=has_admin,
                    csrf=csrf_token(parts(request).key, "login:" + nonce))
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax")
    return response


@router.get("/office/login")
def login_form(request: Request) -> Response:
    return login_page(request)


MAX_FAILURES = 5  # wrong passwords in a row …
PAUSE_MINUTES = 15  # … within this many minutes pause the user's sign-in


def _recent_failures(session: Session, username: str) -> int:
    """Failed sign-ins of ``username`` since its last success, within the pause window (audit log)."""
    since = now() - dt.timedelta(minutes=PAUSE_MINUTES)
    actor = username or "（未填用户名）"
    recent = session.scalars(select(Audit).where(Audit.actor == actor, Audit.at >= since,
                                                 Audit.action.in_(("登录", "登录失败"))).order_by(Audit.id.desc()))
    failures = 0
    for entry in recent:
        if entry.action == "登录":
            break
        failures += 1
    return failures


@router.post("/office/login")
async def login(request: Request) -> Response:
    form = await form_of(request)
    check_csrf(request, "login:" + request.cookies.get(LOGIN_COOKIE, ""), form.get("csrf"))
    username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
    with parts(request).db.transaction() as session:
        if _recent_failures(session, username) >= MAX_FAILURES:
            audit(session, username or "（未填用户名）", "登录被暂停")
            throttled = True
        else:
            throttled = False
    if throttled:
        return login_page(request, f"连续 {MAX_FAILURES} 次用户名或密码不正确，为防止猜测密码，该用户暂停登录 "
                                   f"{PAUSE_MINUTES} 分钟，请稍后再试。忘记密码时，请在服务器上运行 vqr admin-password 重新设置。", 429)
    with parts(request).db.transaction() as session:
        admin = session.scalars(select(Admin).where(Admin.username == username)).first()
        if admin is None or not password_matches(admin.password_hash, password):
            audit(session, username or "（未填用户名）", "登录失败")
            failed = True
        else:
            token = new_token()
            session.add(SignIn(token_hash=token_hash(token), admin_id=admin.id, expires=sign_in_expiry()))
            audit(session, admin.username, "登录")
            failed = False
    if failed:
        return login_page(request, "用户名或密码不正确。", 401)
    response = RedirectResponse("/office", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", max_age=12 * 3600)
    return response


@router.post("/office/logout")
async def logout(request: Request) -> Response:
    await office_form(request)
    with parts(request).db.transaction() as session:
        admin = signed_in(request, session)
        token = token_hash(request.cookies.get(COOKIE, ""))
        for sign_in in session.scalars(select(SignIn).where(SignIn.token_hash == token)):
            session.delete(sign_in)
        if admin is not None:
            audit(session, admin.username, "退出登录")
    response = RedirectResponse("/office/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- dashboard -----------------------------------------------------------------------------------
@router.get("/office")
def dashboard(request: Request, state: str = "", q: str = "", message: str = "") -> Response:
    def show(session: Session, admin: Admin) -> Response:
        schools = list(session.scalars(select(School).order_by(School.code)))
        counts = {s: sum(school.state == s for school in schools) for s in STATES}
        shown = [s for s in schools if (not state or s.state == state) and (not q or q in s.code or q in s.name)]
        region = session.scalars(select(RegionWorkbook).order_by(RegionWorkbook.id.desc())).first()
        job = latest_job(session, "region")
        return page(request, "office.html", admin=admin, schools=shown, total=len(schools), counts=counts,
                    state=state, q=q, csrf=office_csrf(request), message=message, region=region,
                    region_problems=json.loads(region.problems_json) if region else [], job=job,
                    job_detail=job_detail(job), approved=len(approved(session)), levels=LEVELS,
                    year=collection_year(session))

    return as_office(request, show)


def job_detail(job: Job | None) -> dict:
    """A district job's message and problems (stored together as JSON)."""
    if job is None or not job.message:
        return {"message": "", "problems": []}
    try:
        return json.loads(job.message)
    except ValueError:
        return {"message": job.message, "problems": []}


def back(message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/office?message={quote(message)}", status_code=303)


@router.post("/office/schools")
async def add_school(request: Request) -> Response:
    form = await office_form(request)

    def add(session: Session, admin: Admin) -> Response:
        school = create_school(session, str(form.get("code", "")), str(form.get("name", "")), admin.username)
        return back(f"已创建学校 {school.code}（{school.name}）。")

    return as_office(request, add)


@router.post("/office/year")
async def set_year(request: Request) -> Response:
    """The 收集年度: the 报告年度 of the blank workbooks the schools download, and of this collection."""
    form = await office_form(request)

    def set_it(session: Session, admin: Admin) -> Response:
        year = set_collection_year(session, str(form.get("year", "")), admin.username)
        return back(f"收集年度已设为 {year} 年；学校下载的空白填报表从现在起填好 {year} 年度。")

    return as_office(request, set_it)


@router.post("/office/schools/import")
async def import_schools(request: Request) -> Response:
    form = await office_form(request)
    data = await read_upload(form.get("file"))
    rows = schools_from_list(data)

    def add(session: Session, admin: Admin) -> Response:
        known = set(session.scalars(select(School.code)))
        created = [create_school(session, code, name, admin.username) for code, name in rows if code not in known]
        skipped = len(rows) - len(created)
        return back(f"已从名单创建 {len(created)} 所学校" + (f"，{skipped} 所已经登记过，未重复创建" if skipped else "") + "。")

    return as_office(request, add)


@router.get("/office/schools/{school_id}")
def school_detail(request: Request, school_id: int, message: str = "") -> Response:
    def show(session: Session, admin: Admin) -> Response:
        school = session.get(School, school_id)
        if school is None:
            raise Refused(404, "没有这所学校。")
        latest = school.latest
        return page(request, "office_school.html", admin=admin, school=school, csrf=office_csrf(request),
                    message=message, versions=list(reversed(school.submissions)), files="/office/submissions",
                    view=submission_view(request, session, latest) if latest else None)

    return as_office(request, show)


@router.post("/office/submissions/{submission_id}/review")
async def review_submission(request: Request, submission_id: int) -> Response:
    form = await office_form(request)

    def act(session: Session, admin: Admin) -> Response:
        submission = session.get(Submission, submission_id)
        if submission is None:
            raise Refused(404, "没有这一版填报表。")
        review(session, submission, str(form.get("decision", "")), str(form.get("comment", "")), admin.username)
        return RedirectResponse(f"/office/schools/{submission.school_id}?message=已保存审核结果。", status_code=303)

    return as_office(request, act)


def _submission(session: Session, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise Refused(404, "没有这一版填报表。")
    return submission


@router.get("/office/submissions/{submission_id}/status")
def office_report_status(request: Request, submission_id: int) -> Response:
    return as_office(request, lambda session, admin: page(
        request, "_report.html", view=submission_view(request, session, _submission(session, submission_id)),
        files="/office/submissions", csrf=office_csrf(request)))


@router.post("/office/submissions/{submission_id}/pdf")
async def office_pdf(request: Request, submission_id: int) -> Response:
    await office_form(request)

    def act(session: Session, admin: Admin) -> Response:
        submission = _submission(session, submission_id)
        if submission.errors:
            raise Refused(409, "这一版填报表有错误，不能生成报告。")
        queue(session, "pdf", admin.username, submission_id=submission.id)
        return RedirectResponse(f"/office/schools/{submission.school_id}#report", status_code=303)

    return as_office(request, act)


@router.get("/office/submissions/{submission_id}/pages/{number}.png")
def office_page_image(request: Request, submission_id: int, number: int) -> Response:
    return as_office(request, lambda session, admin: preview_image(request, _submission(session, submission_id), number))


@router.get("/office/submissions/{submission_id}/{what}")
def office_file(request: Request, submission_id: int, what: str) -> Response:
    def get(session: Session, admin: Admin) -> Response:
        submission = _submission(session, submission_id)
        return version_file(request, session, submission.school, submission, what, admin.username)

    return as_office(request, get)


# -- exports and the district report -------------------------------------------------------------
@router.get("/office/reports.zip")
def all_reports(request: Request) -> Response:
    def get(session: Session, admin: Admin) -> Response:
        audit(session, admin.username, "下载全部报告")
        return bytes_response(reports_zip(session, parts(request).store), "全部学校报告.zip")

    return as_office(request, get)


@router.get("/office/summary.xlsx")
def summary_xlsx(request: Request) -> Response:
    def get(session: Session, admin: Admin) -> Response:
        audit(session, admin.username, "下载汇总表")
        return bytes_response(summary(session, parts(request).store), "汇总.xlsx")

    return as_office(request, get)


@router.post("/office/region")
async def upload_region(request: Request) -> Response:
    """The office's own workbook (区县 or 市): checked and kept as a new version."""
    form = await office_form(request)
    level = str(form.get("level") or "district")
    if level not in LEVELS:
        raise Refused(422, "汇总层级只能是区县或市。")
    data = await read_upload(form.get("file"))
    user = as_office(request, lambda session, admin: admin.username)
    if isinstance(user, Response):
        return user
    app = parts(request)
    region = accept_region(app.db, app.store, data, level, user)
    return back(f"已上传{LEVELS[level]}填报表：{region.errors} 个错误，{region.warnings} 个警告。")


@router.post("/office/region/{region_id}/report")
async def region_report(request: Request, region_id: int) -> Response:
    await office_form(request)

    def act(session: Session, admin: Admin) -> Response:
        region = session.get(RegionWorkbook, region_id)
        if region is None:
            raise Refused(404, "没有这份汇总填报表。")
        if region.errors:
            raise Refused(409, "汇总填报表有错误，请修改后重新上传。")
        if not approved(session):
            raise Refused(409, "还没有已通过审核的学校。请先审核通过至少一所学校。")
        queue(session, "region", admin.username, region_id=region.id)
        return RedirectResponse("/office#region", status_code=303)

    return as_office(request, act)


@router.get("/office/jobs/{job_id}/status")
def job_status(request: Request, job_id: int) -> Response:
    return as_office(request, lambda session, admin: page(
        request, "_region_job.html", job=session.get(Job, job_id), job_detail=job_detail(session.get(Job, job_id))))


@router.get("/office/jobs/{job_id}/report.docx")
def region_download(request: Request, job_id: int) -> Response:
    def get(session: Session, admin: Admin) -> Response:
        job = session.get(Job, job_id)
        if job is None or job.kind != "region":
            raise Refused(404, "没有这份汇总报告。")
        audit(session, admin.username, "下载汇总报告", f"任务 {job_id}")
        return file_response(parts(request).store.district_report(job.id), "汇总报告.docx")

    return as_office(request, get)


@router.get("/office/audit")
def audit_log(request: Request) -> Response:
    return as_office(request, lambda session, admin: page(
        request, "audit.html", admin=admin, csrf=office_csrf(request),
        entries=list(session.scalars(select(Audit).order_by(Audit.id.desc()).limit(500)))))

