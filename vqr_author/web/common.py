"""What every route needs: the app's parts (database, store, key, templates), who is asking (an
admin token, a school token, a signed-in office), upload reading with its limits, file responses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from vqr_author.web.db import Admin, AdminToken, Database, School, SignIn, now, school_by_token
from vqr_author.web.desk import Refused, check_upload_name, too_large
from vqr_author.web.photos import MAX_UPLOAD_BYTES, Sent, add_photo, check_photo_name, unpack_zip
from vqr_author.web.security import csrf_ok, csrf_token, token_hash
from vqr_author.web.storage import Store
from vqr_author.workbook.files import MAX_FILE_BYTES
from vqr_author.workbook.images import MAX_IMAGE_BYTES

TEMPLATES = Path(__file__).parent / "templates"
COOKIE = "vqr_office"
LOGIN_COOKIE = "vqr_login"
SIGN_IN_HOURS = 12
CHUNK = 1024 * 1024


@dataclass
class Parts:
    db: Database
    store: Store
    key: bytes
    templates: Jinja2Templates


def parts(request: Request) -> Parts:
    return request.app.state.parts


def page(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return parts(request).templates.TemplateResponse(request, name, context, status_code=status_code)


# -- who is asking -------------------------------------------------------------------------------
def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@dataclass(frozen=True)
class Caller:
    admin: bool
    school: School | None

    @property
    def name(self) -> str:
        return "API（管理员令牌）" if self.admin else f"API（学校 {self.school.code}）"  # type: ignore[union-attr]


def api_caller(request: Request, session: Session) -> Caller:
    """The holder of the request's Bearer token: the office (admin token) or one school; 401 otherwise."""
    token = bearer(request)
    if not token:
        raise Refused(401, "缺少访问令牌。请在请求头中加入 Authorization: Bearer <令牌>。")
    if session.scalars(select(AdminToken).where(AdminToken.token_hash == token_hash(token))).first() is not None:
        return Caller(True, None)
    school = school_by_token(session, token)
    if school is None:
        raise Refused(401, "访问令牌无效。请向教育局索取正确的令牌。")
    return Caller(False, school)


def require_admin(caller: Caller) -> None:
    if not caller.admin:
        raise Refused(403, "这项操作需要教育局（管理员）的令牌。")


def signed_in(request: Request, session: Session) -> Admin | None:
    token = request.cookies.get(COOKIE, "")
    if not token:
        return None
    sign_in = session.scalars(select(SignIn).where(SignIn.token_hash == token_hash(token))).first()
    if sign_in is None or sign_in.expires < now():
        return None
    return session.get(Admin, sign_in.admin_id)


def sign_in_expiry() -> dt.datetime:
    return now() + dt.timedelta(hours=SIGN_IN_HOURS)


def school_of(session: Session, token: str) -> School:
    school = school_by_token(session, token)
    if school is None:
        raise Refused(404, "这个上传链接无效。请核对教育局发给学校的链接是否完整。")
    return school


# -- CSRF ----------------------------------------------------------------------------------------
def office_csrf(request: Request) -> str:
    return csrf_token(parts(request).key, "office:" + request.cookies.get(COOKIE, ""))


def school_csrf(request: Request, school: School) -> str:
    return csrf_token(parts(request).key, "school:" + school.token)


def check_csrf(request: Request, subject: str, given: object) -> None:
    if not csrf_ok(parts(request).key, subject, given if isinstance(given, str) else ""):
        raise Refused(403, "页面已过期或来源不明，操作没有执行。请刷新页面后重试。")


# -- uploads -------------------------------------------------------------------------------------
async def form_of(request: Request) -> FormData:
    """The posted form; its uploaded files are closed by the app when the answer has been sent."""
    form = await request.form()
    request.state.forms = [*getattr(request.state, "forms", []), form]
    return form


async def close_forms(request: Request) -> None:
    for form in getattr(request.state, "forms", []):
        await form.close()


def refuse_large_body(request: Request, with_photos: bool = False) -> None:
    """413 before reading a body that says it is larger than a workbook (and, ``with_photos``, its
    photos) may be, plus the form's overhead."""
    length = request.headers.get("content-length", "")
    limit = MAX_UPLOAD_BYTES if with_photos else MAX_FILE_BYTES
    if length.isdigit() and int(length) > limit + CHUNK:
        raise too_large() if not with_photos else Refused(
            413, f"上传的填报表和照片合计超过 {limit // CHUNK} MB，无法上传。请压缩照片，或只上传案例中用到的照片。")


async def _read(field: UploadFile, limit: int, refuse: Refused) -> bytes:
    chunks, size = [], 0
    while chunk := await field.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise refuse
        chunks.append(chunk)
    return b"".join(chunks)


def _chosen(field: object) -> bool:
    return isinstance(field, UploadFile) and bool(field.filename)


async def read_upload(field: object) -> bytes:
    """The bytes of an uploaded workbook, refused by name (415) or size (413) with a Chinese message."""
    if not _chosen(field):
        raise Refused(422, "没有收到文件。请选择要上传的 Excel 填报表（.xlsx）。")
    check_upload_name(field.filename)  # type: ignore[union-attr]
    return await _read(field, MAX_FILE_BYTES, too_large())  # type: ignore[arg-type]


async def read_sent(form: FormData) -> Sent:
    """A school's upload: the workbook (field ``file``) and its case photos (fields ``photos``), or one
    .zip holding both (field ``file``); refused by name (415), size (413) or content (422) in Chinese."""
    field = form.get("file")
    if not _chosen(field):
        raise Refused(422, "没有收到文件。请选择要上传的 Excel 填报表（.xlsx），或装有填报表和照片的 .zip 压缩包。")
    check_upload_name(field.filename, zip_ok=True)  # type: ignore[union-attr]
    if field.filename.lower().endswith(".zip"):  # type: ignore[union-attr]
        archive = await _read(field, MAX_UPLOAD_BYTES, Refused(413, f"压缩包超过 {MAX_UPLOAD_BYTES // CHUNK} MB，无法上传。"  # type: ignore[arg-type]
                                                                    "请压缩照片，或只放入案例中用到的照片。"))
        sent = unpack_zip(archive)
    else:
        sent = Sent(await _read(field, MAX_FILE_BYTES, too_large()))  # type: ignore[arg-type]
    for photo in form.getlist("photos"):
        if _chosen(photo):
            check_photo_name(photo.filename)  # type: ignore[union-attr]
            data = await _read(photo, MAX_IMAGE_BYTES, Refused(413, f"照片“{photo.filename}”超过每张 "  # type: ignore[union-attr, arg-type]
                                                                      f"{MAX_IMAGE_BYTES // CHUNK} MB 的上限。请压缩照片后再上传。"))
            add_photo(sent.photos, photo.filename, data)  # type: ignore[union-attr]
    return sent


# -- files ---------------------------------------------------------------------------------------
MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".zip": "application/zip",
}


def file_response(path: Path, download_name: str, inline: bool = False) -> FileResponse:
    if not path.is_file():
        raise Refused(404, "文件还没有生成。")
    return FileResponse(path, media_type=MEDIA[path.suffix], filename=download_name,
                        content_disposition_type="inline" if inline else "attachment")


def bytes_response(data: bytes, download_name: str) -> Response:
    disposition = f"attachment; filename*=utf-8''{quote(download_name)}"
    return Response(data, media_type=MEDIA[Path(download_name).suffix], headers={"content-disposition": disposition})
