"""The web app's database schema, brought up to date by Alembic at every start (vqr serve,
vqr admin-token, vqr admin-password): the revisions are in web/migrations/versions/, shipped with
the package.

A database made before migrations (by ``create_all``, its version 1 in a ``meta`` table, no
``alembic_version``) is adopted: it is stamped as the first revision, which is exactly that schema,
and then upgraded like any other, its rows untouched.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from vqr_author.errors import VqrError

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST = "0001"  # the schema of the web app before migrations (schema version 1 in its meta table)


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()  # type: ignore[return-value]


def _revision(connection: Connection) -> str | None:
    """The revision a database is at (None: not under Alembic)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision, adopting one made before migrations: in one
    transaction that holds the database's write lock from the start, so that two programs started
    together on a new data folder (vqr serve and vqr admin-token) migrate it once, one after the other."""
    with engine.begin() as connection:
        _lock(connection)
        tables = set(inspect(connection).get_table_names())
        config = _config(connection)
        current = _revision(connection)
        if current is None and "schools" in tables:
            version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() \
                if "meta" in tables else None
            if version != "1":
                raise VqrError(f"数据库中已有本工具的表，但结构版本是“{version or '未知'}”，无法识别。"
                               "请使用与该数据文件夹匹配的工具版本，或换一个新的数据文件夹。")
            command.stamp(config, FIRST)
        elif current is not None and current not in _known():
            raise VqrError(f"数据库的结构版本（{current}）比本工具新（本工具最新为 {head()}），是用更新版本的工具创建或升级的。"
                           "请升级本工具（pip install -U vqr_author）后再启动。")
        try:
            command.upgrade(config, "head")
        except CommandError as exc:  # a revision that cannot be applied: said, never a traceback
            raise VqrError(f"数据库结构无法从版本 {current or '（新建）'} 升级到 {head()}。请把这段说明发给技术支持"
                           f"（迁移工具 Alembic 的原话：{exc}）。") from None


# Any fixed number: the key of PostgreSQL's transaction-level advisory lock held while migrating.
_POSTGRES_LOCK = 0x5651_5200


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Python's sqlite3 begins no transaction before DDL: begin one that takes the write lock now
        # (waiting for another migrator up to the busy timeout); the schema changes are then atomic.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK})


def _known() -> set[str]:
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
