"""The web app: a thin shell over vqr_author.api for schools (their private upload page), the
office (its collection desk) and the offices' own systems (the JSON API)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from vqr_author.web import json_api, office_pages, school_pages
from vqr_author.web.blanks import adopt_year
from vqr_author.web.common import TEMPLATES, Parts, close_forms, page
from vqr_author.web.db import STATES, Database, china_time, sqlite_url
from vqr_author.web.desk import Refused
from vqr_author.web.jobs import Worker
from vqr_author.web.storage import Store

STATUS_TEXT = {
    400: "请求有误。", 401: "需要登录或访问令牌。", 403: "没有权限进行这项操作。", 404: "没有找到这个页面或文件。请核对链接是否完整。",
    405: "不支持这种请求方式。", 413: "上传的内容太大。", 415: "不支持这种文件类型。", 422: "提交的内容不完整或格式不对。",
}


def create_app(data: str | Path, database_url: str | None = None, processes: int = 1, worker: bool = True,
               warm_office: bool = True) -> FastAPI:
    """The app on the data folder ``data`` (created if needed). ``worker`` starts the background
    processes with the app (off only for tests that look at the queue itself); ``warm_office`` keeps
    a LibreOffice running for the PDFs while it runs (off for tests that make no PDF)."""
    store = Store(Path(data))
    store.prepare()
    db = Database(database_url or sqlite_url(store.data))
    adopt_year(db, store)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["STATES"] = STATES
    templates.env.filters["china_time"] = china_time
    runner = Worker(db, store, processes, warm_office)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if worker:
            try:
                runner.start()
            except Exception:  # the details go to the server's log (uvicorn logs it); vqr serve says what failed
                app.state.startup_problem = "启动后台生成报告的进程（及排版 PDF 用的 LibreOffice）时出错"
                runner.stop()
                raise
        try:
            yield
        finally:
            if worker:
                runner.stop()
            db.dispose()

    app = FastAPI(title="vqr", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.parts = Parts(db, store, store.secret(), templates)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(json_api.router)
    app.include_router(school_pages.router)
    app.include_router(office_pages.router)

    @app.middleware("http")
    async def forms_closed(request: Request, call_next: Callable) -> Response:
        try:
            return await call_next(request)
        finally:
            await close_forms(request)

    def answer(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return page(request, "error.html", status_code=status, message=message)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return answer(request, exc.status, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return answer(request, exc.status_code, STATUS_TEXT.get(exc.status_code, "请求没有成功。"))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, 422, STATUS_TEXT[422])

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        return answer(request, 500, "服务器内部出错，操作没有完成。请稍后重试；如果再次出现，请联系管理员。")

    return app
