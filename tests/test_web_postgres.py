"""The web app on PostgreSQL (vqr serve --database postgresql+psycopg://…): a throwaway cluster is
made with the system's initdb and pg_ctl in a temporary folder, and the API's main flows (creating
schools, access, uploading, the report in the background, a restart, a job interrupted by a stop) run
against it through the same data layer as SQLite. Skipped, with the reason, only where PostgreSQL's
programs are not installed (Debian's package ``postgresql``; CI installs it)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from test_web_api import GOOD, WITH_ERRORS, as_school, bearer, upload, wait_for_report
from vqr_author.web import migrate
from vqr_author.web.app import create_app
from vqr_author.web.db import RUNNING, Base, Database, Job

def postgres_programs() -> Path | None:
    """The folder of initdb and pg_ctl: on the PATH, or where Debian puts them (newest version)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).resolve().parent)):
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(Path(f).parent.name))
    return Path(folders[-1]) if folders and (Path(folders[-1]) / "pg_ctl").is_file() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A running throwaway PostgreSQL; its URL without the database name."""
    programs = postgres_programs()
    if programs is None:
        pytest.skip("没有安装 PostgreSQL（找不到 initdb 和 pg_ctl；Debian 的软件包 postgresql），跳过 PostgreSQL 上的测试")
    # PostgreSQL refuses to run as root: then the cluster belongs to the postgres user (or nobody).
    user = None
    if os.geteuid() == 0:
        user = next((name for name in ("postgres", "nobody") if _user_exists(name)), None)
    folder = Path(tempfile.mkdtemp(prefix="vqr-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    run = {"user": user, "capture_output": True, "text": True, "timeout": 120, "cwd": folder,
           "env": {**os.environ, "LC_ALL": "C", "LANG": "C"}}
    port = free_port()
    try:
        done = subprocess.run([str(programs / "initdb"), "-D", str(folder / "data"), "-U", "vqr", "--auth=trust",
                               "-E", "UTF8", "--no-locale"], **run)
        assert done.returncode == 0, done.stderr
        done = subprocess.run([str(programs / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
                               "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **run)
        assert done.returncode == 0, done.stderr + (folder / "log").read_text(errors="replace")
        yield f"postgresql+psycopg://vqr@127.0.0.1:{port}"
    finally:
        subprocess.run([str(programs / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"], **run)
        shutil.rmtree(folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture
def database(cluster: str, request) -> str:
    """A new, empty database in the cluster for one test."""
    name = f"t_{abs(hash(request.node.name)) % 10**8}"
    with psycopg.connect(f"{cluster.replace('+psycopg', '')}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{cluster}/{name}"


def admin_token(data: Path, database: str) -> str:
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-token", "--data", str(data),
                           "--database", database], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_revisions_build_the_models_schema_on_postgresql(database):
    Database(database).dispose()
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head()
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_schools_uploads_reports_and_a_restart_on_postgresql(database, tmp_path):
    data = tmp_path / "数据"
    admin = admin_token(data, database)
    assert not (data / "vqr.db").exists()  # everything is in PostgreSQL, only the files in the folder
    with TestClient(create_app(data, database, warm_office=False)) as client:
        created = client.post("/api/schools", headers=bearer(admin), json={"学校代码": "4111099902", "单位名称": "甲校"})
        assert created.status_code == 201, created.text
        school = created.json()["token"]
        other = client.post("/api/schools", headers=bearer(admin), json={"学校代码": "4111099903", "单位名称": "乙校"})
        assert client.post("/api/schools", headers=bearer(admin),
                           json={"学校代码": "4111099902", "单位名称": "重复"}).status_code == 409
        faulty = upload(client, school, WITH_ERRORS, data=as_school(WITH_ERRORS, "4111099902")).json()
        assert faulty["status"] == "有错误" and any(p["level"] == "error" for p in faulty["problems"])
        good = upload(client, school, GOOD)
        assert good.status_code == 200, good.text
        submission = good.json()["id"]
        assert wait_for_report(client, submission, school).status_code == 200
        assert client.get(f"/api/submissions/{submission}/report.docx",
                          headers=bearer(other.json()["token"])).status_code in (403, 404)
        assert client.get(f"/api/submissions/{submission}/report.docx").status_code == 401
    with TestClient(create_app(data, database, warm_office=False)) as client:  # the server started again
        listed = {s["学校代码"]: s for s in client.get("/api/schools", headers=bearer(admin)).json()}
        assert listed["4111099902"]["state"] == "待审核" and listed["4111099903"]["state"] == "未提交"
        report = client.get(f"/api/submissions/{submission}/report.docx", headers=bearer(school))
        assert report.status_code == 200 and report.content[:2] == b"PK"


def test_a_job_interrupted_by_a_stop_is_run_again_on_postgresql(database, tmp_path):
    data = tmp_path / "数据"
    admin = admin_token(data, database)
    with TestClient(create_app(data, database, worker=False)) as client:
        school = client.post("/api/schools", headers=bearer(admin), json={"学校代码": "4111099902", "单位名称": "甲"}).json()
        submission = upload(client, school["token"], GOOD).json()
    db = Database(database)
    with db.transaction() as session:  # the server was killed while rendering
        session.get(Job, 1).state = RUNNING
    db.dispose()
    with TestClient(create_app(data, database, warm_office=False)) as client:
        assert wait_for_report(client, submission["id"], school["token"]).status_code == 200
