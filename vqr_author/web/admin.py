"""What the command line does to a data folder: the admin's password and API tokens, and the demo
folder filled with the sample district (vqr serve --demo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from vqr_author.web.db import Admin, AdminToken, Database, School, audit, sqlite_url
from vqr_author.web.desk import Refused, accept_region, accept_upload, create_school
from vqr_author.web.photos import Sent, add_photo
from vqr_author.web.security import hash_password, new_token, password_problem, token_hash
from vqr_author.web.storage import Store
from vqr_author.errors import VqrError

SAMPLE_DISTRICT = Path(__file__).resolve().parents[2] / "sample_inputs" / "district"
DEMO_ADMIN = "admin"


def open_data(data: Path, database_url: str | None = None) -> tuple[Database, Store]:
    store = Store(Path(data))
    try:
        store.prepare()
        store.secret()
    except OSError as exc:
        raise VqrError(f"无法创建或写入数据文件夹“{data}”：{exc.strerror or exc}。请换一个有写入权限的文件夹。") from None
    return Database(database_url or sqlite_url(store.data)), store


def check_port(host: str, port: int) -> None:
    """Refuse, in Chinese, a port that another program (or another vqr serve) already uses."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise VqrError(f"无法在 {host}:{port} 上启动：{'端口已被其他程序占用' if exc.errno == 98 else '地址不可用'}。"
                       "请用 --port 换一个端口（例如 --port 8001），或先关闭占用它的程序。") from None


def log_to_file(data: Path) -> Path:
    """The server's own messages (and the details of any internal error) go to 数据/server.log, never
    to the terminal or a page."""
    import logging

    path = Path(data) / "server.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = [handler], False
        logger.setLevel(logging.WARNING if name == "uvicorn.access" else logging.INFO)
    return path


def run_server(web: object, host: str, port: int, log: Path, announce: Callable[[], None]) -> None:
    """Serve ``web`` until Ctrl+C. ``announce`` is called only once the app has started and listens;
    a start that fails raises a Chinese VqrError naming what failed and the log with the details
    (uvicorn itself would only exit with code 3 after the caller had already said all was well)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                announce()

    server = Server(uvicorn.Config(web, host=host, port=port, log_config=None))  # type: ignore[arg-type]
    try:
        server.run()
    except SystemExit:
        pass  # uvicorn's way of saying the start failed: told below
    if not server.started:
        what = getattr(getattr(web, "state", None), "startup_problem", "") or f"无法在 {host}:{port} 上监听"
        raise VqrError(f"网页版没有启动：{what}。详细原因写在运行记录 {log} 中；"
                       "处理后请重新运行。如果无法解决，请把该文件发给技术支持。")


def issue_admin_token(data: Path, database_url: str | None = None) -> str:
    db, _ = open_data(data, database_url)
    token = new_token()
    with db.transaction() as session:
        session.add(AdminToken(token_hash=token_hash(token)))
        audit(session, "命令行", "创建管理员令牌")
    db.dispose()
    return token


def set_admin_password(data: Path, username: str, password: str, database_url: str | None = None) -> bool:
    """Set (or change) an admin's password; True when the admin is new."""
    problem = password_problem(password)
    if problem:
        raise VqrError(problem)
    db, _ = open_data(data, database_url)
    with db.transaction() as session:
        admin = session.scalars(select(Admin).where(Admin.username == username)).first()
        created = admin is None
        if admin is None:
            session.add(Admin(username=username, password_hash=hash_password(password)))
        else:
            admin.password_hash = hash_password(password)
        audit(session, "命令行", "设置管理员密码", username)
    db.dispose()
    return created


def prepare_demo(data: Path) -> str | None:
    """Fill a new data folder with the sample district: its schools with their workbooks uploaded
    (waiting for review), the district workbook, and an admin whose new password is returned (None
    when the folder was filled before and is only reopened)."""
    if not SAMPLE_DISTRICT.is_dir():
        raise VqrError("示例区县只在源代码仓库中（sample_inputs/district/），当前安装中没有。请去掉 --demo，用 --data 指定数据文件夹。")
    db, store = open_data(data)
    with db.transaction() as session:
        if session.scalars(select(School)).first() is not None:
            db.dispose()
            return None
    from vqr_author import api

    photos: dict[str, tuple[str, bytes]] = {}  # the case photos beside the sample workbooks, sent with each
    for photo in sorted((SAMPLE_DISTRICT / "学校").rglob("*.png")):
        add_photo(photos, photo.name, photo.read_bytes())
    for workbook in sorted((SAMPLE_DISTRICT / "学校").glob("*.xlsx")):
        checked = api.check_workbook(workbook)
        code, name = (checked.book.cover_text(checked.edition.cover_key(role)) for role in ("code", "name"))
        with db.transaction() as session:
            school = create_school(session, code, name, "示例")
            school_id = school.id
        try:
            accept_upload(db, store, school_id, Sent(workbook.read_bytes(), dict(photos)), "示例")
        except Refused:
            continue
    accept_region(db, store, (SAMPLE_DISTRICT / "海川区.xlsx").read_bytes(), "district", "示例")
    password = new_token()[:12]
    db.dispose()
    set_admin_password(data, DEMO_ADMIN, password)
    return password
