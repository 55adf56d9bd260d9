"""The web app's database schema under Alembic (vqr_author.web.migrate): a new database is built by
the shipped revisions, one made by the first web app (create_all, no alembic table) is adopted with
its rows intact, the revisions match the models, and a database newer than the code is refused."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from vqr_author.digest import sha256
from vqr_author.errors import VqrError
from vqr_author.web import migrate
from vqr_author.web.app import create_app
from vqr_author.web.db import Base, Database, sqlite_url
from vqr_author.web.security import token_hash
from vqr_author.web.storage import readable

# The schema exactly as the first web app's Base.metadata.create_all wrote it in SQLite (before
# migrations; its version "1" in the meta table), frozen here so that adopting it stays tested.
FIRST_WEB_APP_SCHEMA = """
CREATE TABLE meta ("key" VARCHAR(40) NOT NULL, value VARCHAR(200) NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE admins (id INTEGER NOT NULL, username VARCHAR(80) NOT NULL, password_hash VARCHAR(200) NOT NULL,
    PRIMARY KEY (id), UNIQUE (username));
CREATE TABLE admin_tokens (id INTEGER NOT NULL, token_hash VARCHAR(64) NOT NULL, created DATETIME NOT NULL,
    PRIMARY KEY (id), UNIQUE (token_hash));
CREATE TABLE schools (id INTEGER NOT NULL, code VARCHAR(40) NOT NULL, name VARCHAR(200) NOT NULL,
    token VARCHAR(64) NOT NULL, created DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (code), UNIQUE (token));
CREATE TABLE region_workbooks (id INTEGER NOT NULL, uploaded DATETIME NOT NULL, sha256 VARCHAR(64) NOT NULL,
    level VARCHAR(20) NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL, problems_json TEXT NOT NULL,
    PRIMARY KEY (id));
CREATE TABLE audit (id INTEGER NOT NULL, at DATETIME NOT NULL, actor VARCHAR(200) NOT NULL,
    action VARCHAR(80) NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (id));
CREATE TABLE sign_ins (id INTEGER NOT NULL, token_hash VARCHAR(64) NOT NULL, admin_id INTEGER NOT NULL,
    expires DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (token_hash), FOREIGN KEY(admin_id) REFERENCES admins (id));
CREATE TABLE submissions (id INTEGER NOT NULL, school_id INTEGER NOT NULL, version INTEGER NOT NULL,
    uploaded DATETIME NOT NULL, sha256 VARCHAR(64) NOT NULL, size INTEGER NOT NULL, errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL, problems_json TEXT NOT NULL, diff_json TEXT NOT NULL, review VARCHAR(20) NOT NULL,
    comment TEXT NOT NULL, PRIMARY KEY (id), FOREIGN KEY(school_id) REFERENCES schools (id));
CREATE INDEX ix_submissions_school_id ON submissions (school_id);
CREATE TABLE jobs (id INTEGER NOT NULL, kind VARCHAR(20) NOT NULL, submission_id INTEGER, region_id INTEGER,
    state VARCHAR(20) NOT NULL, progress TEXT NOT NULL, message TEXT NOT NULL, created DATETIME NOT NULL,
    updated DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(submission_id) REFERENCES submissions (id),
    FOREIGN KEY(region_id) REFERENCES region_workbooks (id));
CREATE INDEX ix_jobs_submission_id ON jobs (submission_id);
"""
ADMIN_TOKEN = "an-admin-token-issued-by-the-first-web-app"
PHOTO = b"\x89PNG a case photo"


def first_web_app_folder(data: Path) -> Path:
    """A data folder as the first web app left it: its schema, an admin token, a school with a
    version returned with a comment (its case photo kept where the workbook's cell said), the audit."""
    data.mkdir(parents=True)
    version = data / "files" / "submissions" / "1"
    (version / "照片").mkdir(parents=True)
    (version / "填报表-1.xlsx").write_bytes(b"the workbook")
    (version / "照片" / "案例1.png").write_bytes(PHOTO)
    with sqlite3.connect(data / "vqr.db") as db:
        db.executescript(FIRST_WEB_APP_SCHEMA)
        db.executescript(f"""
            INSERT INTO meta VALUES ('schema_version', '1');
            INSERT INTO admin_tokens VALUES (1, '{token_hash(ADMIN_TOKEN)}', '2026-11-20 01:00:00');
            INSERT INTO schools VALUES (1, '4111099902', '海川区第一职业学校', 'school-token-1', '2026-11-20 01:00:00');
            INSERT INTO submissions VALUES (1, 1, 1, '2026-11-20 06:05:00', '{"a" * 64}', 1234, 0, 2, '[]', '',
                                            '退回修改', '请补充案例照片');
            INSERT INTO audit VALUES (1, '2026-11-20 06:05:00', '4111099902', '上传', '第 1 版');
        """)
    db.close()
    return data


def tables(data: Path) -> set[str]:
    with sqlite3.connect(data / "vqr.db") as db:
        found = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    return found


def stamped(data: Path) -> str:
    with sqlite3.connect(data / "vqr.db") as db:
        (version,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    db.close()
    return version


def test_a_data_folder_of_the_first_web_app_is_adopted_with_its_rows_intact(tmp_path):
    data = first_web_app_folder(tmp_path / "数据")
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-token", "--data", str(data)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert stamped(data) == migrate.head() and "meta" not in tables(data)
    # its photo now under its sha256, with the map, and still found where the cell says
    version = data / "files" / "submissions" / "1"
    assert not (version / "照片").exists()
    assert json.loads((version / "photos.json").read_text(encoding="utf-8")) == {"照片/案例1.png": sha256(PHOTO) + ".png"}
    with readable(version / "填报表-1.xlsx") as workbook:
        assert (workbook.parent / "照片" / "案例1.png").read_bytes() == PHOTO
    with TestClient(create_app(data, worker=False)) as client:
        schools = client.get("/api/schools", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert schools.status_code == 200
        (school,) = schools.json()
        assert (school["学校代码"], school["单位名称"], school["state"]) == ("4111099902", "海川区第一职业学校", "退回修改")
        page = client.get("/s/school-token-1")
        assert "请补充案例照片" in page.text  # the office's comment of the adopted version, shown to the school
        assert "随这一版保存的案例照片 1 张：照片/案例1.png" in page.text
    with sqlite3.connect(data / "vqr.db") as db:
        assert db.execute("SELECT actor, action FROM audit WHERE id = 1").fetchone() == ("4111099902", "上传")
        assert db.execute("SELECT count(*) FROM admin_tokens").fetchone() == (2,)  # the old one and the new one
    db.close()


def test_a_new_database_is_built_by_the_revisions_and_matches_the_models(tmp_path):
    Database(sqlite_url(tmp_path)).dispose()
    assert stamped(tmp_path) == migrate.head()
    engine = create_engine(sqlite_url(tmp_path))
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_starting_again_changes_nothing(tmp_path):
    Database(sqlite_url(tmp_path)).dispose()
    before = (tmp_path / "vqr.db").read_bytes()
    Database(sqlite_url(tmp_path)).dispose()
    assert stamped(tmp_path) == migrate.head() and tables(tmp_path) >= {"schools", "submissions", "alembic_version"}
    assert len((tmp_path / "vqr.db").read_bytes()) == len(before)


def test_a_database_newer_than_the_tool_is_refused_in_chinese(tmp_path):
    Database(sqlite_url(tmp_path)).dispose()
    with sqlite3.connect(tmp_path / "vqr.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    with pytest.raises(VqrError, match="比本工具新.*请升级本工具"):
        Database(sqlite_url(tmp_path))


def test_tables_of_an_unknown_version_are_refused_in_chinese(tmp_path):
    data = first_web_app_folder(tmp_path / "数据")
    with sqlite3.connect(data / "vqr.db") as db:
        db.execute("UPDATE meta SET value = '7'")
    db.close()
    with pytest.raises(VqrError, match="结构版本是“7”"):
        Database(sqlite_url(data))
    assert "alembic_version" not in tables(data)  # nothing was changed


def test_a_database_that_cannot_be_reached_or_used_is_said_in_chinese_without_its_password(tmp_path):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VqrError, match="无法连接数据库") as refused:
        Database(f"postgresql+psycopg://vqr:secret@127.0.0.1:{port}/vqr")
    assert "secret" not in str(refused.value) and "请检查地址" in str(refused.value)
    with pytest.raises(VqrError, match="格式不对，或缺少它的驱动"):
        Database("nosuchdb://vqr:secret@somewhere/vqr")


def test_two_programs_started_together_on_a_new_folder_migrate_it_once(tmp_path):
    """vqr serve and vqr admin-token started at the same moment: the second waits for the first's
    migration instead of failing on tables it finds half made."""
    data = tmp_path / "数据"
    command = [sys.executable, "-m", "vqr_author.cli", "admin-token", "--data", str(data)]
    started = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in started]
    for p in started:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _, _ in outcomes), outcomes
    assert stamped(data) == migrate.head()
    with sqlite3.connect(data / "vqr.db") as db:
        assert db.execute("SELECT count(*) FROM admin_tokens").fetchone() == (3,)
    db.close()
