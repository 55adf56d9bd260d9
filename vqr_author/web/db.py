"""The web app's database: SQLite in the data folder by default, or any SQLAlchemy URL (PostgreSQL).

The schema is made and changed only by the Alembic revisions in web/migrations (web.migrate), run at
every start; the classes here must match their newest revision (tests/test_web_migrations.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from vqr_author.errors import VqrError
from vqr_author.web import migrate

# Review states of a school (public: shown on every page and returned by GET /api/schools).
NOT_SUBMITTED, HAS_ERRORS, PENDING, RETURNED, APPROVED = "未提交", "有错误", "待审核", "退回修改", "已通过"
STATES = (NOT_SUBMITTED, HAS_ERRORS, PENDING, RETURNED, APPROVED)

# Job states.
QUEUED, RUNNING, DONE, FAILED = "排队中", "进行中", "已完成", "失败"


CHINA = ZoneInfo("Asia/Shanghai")  # every time shown (pages, 汇总.xlsx); stored in UTC


def now() -> dt.datetime:
    """The time to store: UTC, without its zone (as every column keeps it)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def china_time(at: dt.datetime) -> str:
    """A stored time as people in China read it (北京时间): 2026-11-24 14:05."""
    return at.replace(tzinfo=dt.timezone.utc).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


class Base(DeclarativeBase):
    pass


class Admin(Base):
    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))


class AdminToken(Base):
    """An API token of the office; only its sha256 is kept."""

    __tablename__ = "admin_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(default=now)


class SignIn(Base):
    """A signed-in office session (the cookie holds the token, the table its sha256)."""

    __tablename__ = "sign_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"))
    expires: Mapped[dt.datetime]


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The school's upload token is its private link; the office shows the link, so it is kept as is.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(default=now)
    submissions: Mapped[list[Submission]] = relationship(back_populates="school", order_by="Submission.id")

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def state(self) -> str:
        latest = self.latest
        if latest is None:
            return NOT_SUBMITTED
        return HAS_ERRORS if latest.errors else latest.review


class Submission(Base):
    """One uploaded version of a school's workbook; never overwritten, never deleted."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    version: Mapped[int]
    uploaded: Mapped[dt.datetime] = mapped_column(default=now)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")
    diff_json: Mapped[str] = mapped_column(Text, default="")  # changes from the previous version ("" = none)
    review: Mapped[str] = mapped_column(String(20), default=PENDING)
    comment: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[str] = mapped_column(String(10), default="")  # its 封面 报告年度 ("" before revision 0003)
    school: Mapped[School] = relationship(back_populates="submissions")

    @property
    def status(self) -> str:
        return HAS_ERRORS if self.errors else self.review


class Setting(Base):
    """The office's settings of the desk (the 收集年度), one row each."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class RegionWorkbook(Base):
    """A version of the office's own (district or city) workbook."""

    __tablename__ = "region_workbooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded: Mapped[dt.datetime] = mapped_column(default=now)
    sha256: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(20), default="district")
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")


class Job(Base):
    """Long work done by the worker processes: a school's report (render), its PDF and page images
    (pdf), the district report (region). A job that was running when the server stopped is queued
    again at the next start."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region_workbooks.id"))
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    progress: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(default=now)
    updated: Mapped[dt.datetime] = mapped_column(default=now)


class Audit(Base):
    """Every action, by whom (管理员 name, 学校 code, API), when."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")


def audit(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(Audit(actor=actor, action=action, detail=detail))


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError, ImportError):
            raise VqrError(f"数据库地址“{_shown(url)}”无法使用：格式不对，或缺少它的驱动。PostgreSQL 的地址形如 "
                           "postgresql+psycopg://用户:密码@主机/库名，驱动用 pip install 'vqr_author[postgres]' 安装。") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate.upgrade(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise VqrError(f"无法连接数据库“{_shown(url)}”。请检查地址、用户名、密码，以及数据库服务是否在运行"
                           f"（数据库驱动的原话：{str(exc.orig).strip().splitlines()[0]}）。") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _shown(url: str) -> str:
    """The database URL without its password (for messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(connection: object, record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the worker's writes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def sqlite_url(data: Path) -> str:
    return f"sqlite:///{data / 'vqr.db'}"


def school_by_token(session: Session, token: str) -> School | None:
    return session.scalars(select(School).where(School.token == token)).first() if token else None
