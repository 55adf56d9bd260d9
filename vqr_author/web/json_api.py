"""The JSON API for the offices' own systems (public interface, docs/api.md)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from vqr_author.web.common import form_of, api_caller, file_response, parts, read_sent, refuse_large_body, require_admin
from vqr_author.web.db import School, Submission, audit
from vqr_author.web.desk import Refused, accept_upload, create_school, download_name, report_state

router = APIRouter(prefix="/api")


def upload_url(request: Request, school: School) -> str:
    return str(request.url_for("school_page", token=school.token))


@router.post("/schools", status_code=201)
async def post_school(request: Request) -> dict:
    with parts(request).db.transaction() as session:  # who is asking comes before what is asked
        require_admin(api_caller(request, session))
    try:
        body = await request.json()
    except ValueError:
        raise Refused(400, "请求内容不是 JSON。请发送 {\"学校代码\": …, \"单位名称\": …}。") from None
    if not isinstance(body, dict):
        raise Refused(400, "请求内容应为 JSON 对象：{\"学校代码\": …, \"单位名称\": …}。")
    with parts(request).db.transaction() as session:
        caller = api_caller(request, session)
        require_admin(caller)
        school = create_school(session, str(body.get("学校代码") or ""), str(body.get("单位名称") or ""), caller.name)
        return {"token": school.token, "upload_url": upload_url(request, school)}


def school_entry(request: Request, school: School) -> dict:
    latest = school.latest
    return {
        "学校代码": school.code, "单位名称": school.name, "state": school.state,
        "upload_url": upload_url(request, school),
        "latest": None if latest is None else {
            "id": latest.id, "version": latest.version, "uploaded": latest.uploaded.isoformat() + "Z",
            "sha256": latest.sha256, "errors": latest.errors, "warnings": latest.warnings,
            "comment": latest.comment},
    }


@router.get("/schools")
def get_schools(request: Request) -> list[dict]:
    with parts(request).db.transaction() as session:
        require_admin(api_caller(request, session))
        return [school_entry(request, s) for s in session.scalars(select(School).order_by(School.code))]


@router.post("/submissions")
async def post_submission(request: Request) -> dict:
    refuse_large_body(request, with_photos=True)
    app = parts(request)
    with app.db.transaction() as session:
        caller = api_caller(request, session)
        if caller.school is None:
            raise Refused(403, "上传填报表需要学校的令牌（管理员令牌不能代替学校上传）。")
        school_id, actor = caller.school.id, caller.name
    form = await form_of(request)
    accepted = accept_upload(app.db, app.store, school_id, await read_sent(form), actor)
    submission = accepted.submission
    return {"id": submission.id, "status": submission.status, "problems": json.loads(submission.problems_json),
            "photos": list(accepted.photos), "unused_photos": list(accepted.unused),
            "reused_photos": list(accepted.reused)}


def _submission_for(request: Request, session: object, submission_id: int) -> Submission:
    caller = api_caller(request, session)  # type: ignore[arg-type]
    submission = session.get(Submission, submission_id)  # type: ignore[attr-defined]
    if submission is None or not (caller.admin or caller.school.id == submission.school_id):  # type: ignore[union-attr]
        raise Refused(404, "没有这一版填报表，或它不属于持有该令牌的学校。")
    return submission


@router.get("/submissions/{submission_id}/report.docx")
def get_report(request: Request, submission_id: int) -> Response:
    app = parts(request)
    with app.db.transaction() as session:
        submission = _submission_for(request, session, submission_id)
        state = report_state(session, app.store, submission)
        if state.ready:
            audit(session, "API", "下载报告", f"{submission.school.code} 第 {submission.version} 版")
            return file_response(app.store.report(submission.id), download_name(submission.school, ".docx"))
        return JSONResponse({"detail": state.message}, status_code=202 if state.waiting else 404)
