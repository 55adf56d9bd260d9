"""The JSON API of the web app (docs/api.md): access control, limits, every version kept, reports
made in the background, and everything still there after a restart on the same data folder."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import ROOT
from vqr_author.digest import sha256
from vqr_author.web.app import create_app
from vqr_author.web.db import RUNNING, Audit, Database, Job, sqlite_url

SCHOOLS = ROOT / "sample_inputs" / "district" / "学校"
GOOD = SCHOOLS / "海川区第一职业学校.xlsx"  # 4111099902, no errors
OTHER = SCHOOLS / "海川区旅游商贸学校.xlsx"
WITH_ERRORS = ROOT / "sample_inputs" / "school" / "海川职业学校-含错误示例.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM_KEYS = ["level", "code", "sheet", "cell", "indicator", "message"]


def admin_token(data: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-token", "--data", str(data)],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_school(path: Path, code: str) -> bytes:
    """The workbook at ``path`` with another 学校代码 on its 封面 (an inline string on the first sheet)."""
    source, buffer = zipfile.ZipFile(path), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb"(<c r=\"B3\"[^>]*><is><t>)\d+(</t>)", rb"\g<1>" + code.encode() + rb"\g<2>", data)
                assert n == 1
            target.writestr(item, data)
    return buffer.getvalue()


def upload(client: TestClient, token: str, path: Path, name: str | None = None, data: bytes | None = None):
    return client.post("/api/submissions", headers=bearer(token),
                       files={"file": (name or path.name, path.read_bytes() if data is None else data, XLSX)})


def wait_for_report(client: TestClient, submission_id: int, token: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(f"/api/submissions/{submission_id}/report.docx", headers=bearer(token))
        if answer.status_code != 202 or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web") / "数据"


@pytest.fixture(scope="module")
def admin(data: Path) -> str:
    return admin_token(data)  # creates the data folder and the database


@pytest.fixture(scope="module")
def client(data: Path, admin: str):
    with TestClient(create_app(data, warm_office=False)) as client:
        yield client


@pytest.fixture(scope="module")
def schools(client: TestClient, admin: str) -> dict[str, str]:
    tokens = {}
    for code, name in (("4111099902", "北京市海川区第一职业学校"), ("4111099903", "北京市海川区旅游商贸学校")):
        answer = client.post("/api/schools", headers=bearer(admin), json={"学校代码": code, "单位名称": name})
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert set(body) == {"token", "upload_url"}
        assert body["upload_url"].endswith(f"/s/{body['token']}")
        tokens[code] = body["token"]
    return tokens


def test_admin_token_is_the_last_line_and_creates_the_folder(tmp_path):
    data = tmp_path / "新的" / "数据"
    token = admin_token(data)
    assert len(token) >= 40 and " " not in token
    assert (data / "vqr.db").is_file()
    with TestClient(create_app(data, worker=False)) as client:
        assert client.get("/api/schools", headers=bearer(token)).json() == []
        assert client.get("/api/schools", headers=bearer(token + "x")).status_code == 401


def test_creating_schools_needs_the_admin_token(client, admin, schools):
    body = {"学校代码": "4111099999", "单位名称": "测试学校"}
    assert client.post("/api/schools", json=body).status_code == 401
    assert client.post("/api/schools", json=body, headers=bearer("nonsense")).status_code == 401
    refused = client.post("/api/schools", json=body, headers=bearer(schools["4111099902"]))
    assert refused.status_code == 403 and "管理员" in refused.json()["detail"]
    again = client.post("/api/schools", json={"学校代码": "4111099902", "单位名称": "别的名字"}, headers=bearer(admin))
    assert again.status_code == 409 and "4111099902" in again.json()["detail"]
    empty = client.post("/api/schools", json={"学校代码": "", "单位名称": "x"}, headers=bearer(admin))
    assert empty.status_code == 422 and "学校代码" in empty.json()["detail"]
    not_json = client.post("/api/schools", content=b"{", headers={**bearer(admin), "content-type": "application/json"})
    assert not_json.status_code == 400 and "JSON" in not_json.json()["detail"]
    # who is asking is checked before what is asked
    assert client.post("/api/schools", content=b"{", headers=bearer("wrong")).status_code == 401
    # a code the workbook's 学校代码 could never be (the edition's pattern: 10 digits)
    odd = client.post("/api/schools", json={"学校代码": "../../etc", "单位名称": "x"}, headers=bearer(admin))
    assert odd.status_code == 422 and "格式不对" in odd.json()["detail"]


def test_the_office_lists_every_school_with_its_state(client, admin, schools):
    listed = {s["学校代码"]: s for s in client.get("/api/schools", headers=bearer(admin)).json()}
    assert {"4111099902", "4111099903"} <= listed.keys()
    assert listed["4111099903"]["state"] == "未提交" and listed["4111099903"]["latest"] is None
    assert client.get("/api/schools").status_code == 401
    assert client.get("/api/schools", headers=bearer(schools["4111099903"])).status_code == 403


def test_a_workbook_with_errors_gets_its_problems_as_vqr_check_json(client, schools, tmp_path):
    mine = as_school(WITH_ERRORS, "4111099903")
    answer = upload(client, schools["4111099903"], WITH_ERRORS, data=mine)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "有错误"
    alone = tmp_path / "填报表.xlsx"  # as uploaded: the workbook without its photo folder
    alone.write_bytes(mine)
    expected = json.loads(subprocess.run([sys.executable, "-m", "vqr_author.cli", "check", "--json", str(alone)],
                                         capture_output=True, text=True).stdout)
    codes = [p["code"] for p in expected]  # the photos not sent are one problem on the web (web.photos.missing_in_one)
    assert [p["code"] for p in body["problems"]] == [c for i, c in enumerate(codes)
                                                      if c != "image-not-found" or codes.index(c) == i]
    assert all(list(p) == PROBLEM_KEYS for p in body["problems"])
    assert any(p["level"] == "error" and p["sheet"] and p["cell"] for p in body["problems"])
    # no report for a version with errors, and saying so is not "wait"
    answer = client.get(f"/api/submissions/{body['id']}/report.docx", headers=bearer(schools["4111099903"]))
    assert answer.status_code == 404 and "错误" in answer.json()["detail"]


def test_a_good_workbook_is_rendered_in_the_background_for_its_school_only(client, admin, schools):
    own = schools["4111099902"]
    answer = upload(client, own, GOOD)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "待审核" and all(p["level"] == "warning" for p in body["problems"])
    url = f"/api/submissions/{body['id']}/report.docx"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(schools["4111099903"])).status_code in (403, 404)
    report = wait_for_report(client, body["id"], own)
    assert report.status_code == 200, report.text
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert "北京市海川区第一职业学校" in text
    assert client.get(url, headers=bearer(admin)).content == report.content
    assert client.get("/api/submissions/99999/report.docx", headers=bearer(admin)).status_code == 404


def test_a_workbook_of_another_school_is_refused_naming_both_codes(client, admin, schools):
    token = schools["4111099903"]
    before = client.get("/api/schools", headers=bearer(admin)).json()
    answer = upload(client, token, GOOD)  # 4111099902's workbook through 4111099903's link
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "4111099902" in detail and "4111099903" in detail and "学校代码" in detail
    assert client.get("/api/schools", headers=bearer(admin)).json() == before  # nothing was kept
    blank = upload(client, token, GOOD, data=as_school(GOOD, ""))  # no code: the ordinary check error
    assert blank.status_code == 200 and blank.json()["status"] == "有错误"
    assert any(p["level"] == "error" and p["sheet"] == "封面" and p["cell"] == "B3" for p in blank.json()["problems"])


def test_uploads_that_cannot_be_used_are_refused_in_chinese(client, admin, schools):
    token = schools["4111099903"]
    not_a_workbook = client.post("/api/submissions", headers=bearer(token),
                                 files={"file": ("学校.xlsx", b"this is not a workbook", XLSX)})
    assert not_a_workbook.status_code == 422
    assert "Excel" in not_a_workbook.json()["detail"] or "填报表" in not_a_workbook.json()["detail"]
    wrong_type = client.post("/api/submissions", headers=bearer(token),
                             files={"file": ("学校.docx", GOOD.read_bytes(), "application/octet-stream")})
    assert wrong_type.status_code == 415 and ".xlsx" in wrong_type.json()["detail"]
    missing = client.post("/api/submissions", headers=bearer(token), data={"x": "1"})
    assert missing.status_code == 422 and "文件" in missing.json()["detail"]
    huge = client.post("/api/submissions", headers=bearer(token),
                       files={"file": ("学校.xlsx", b"PK" + bytes(51 * 1024 * 1024), XLSX)})
    assert huge.status_code == 413 and "MB" in huge.json()["detail"]
    assert client.post("/api/submissions", headers=bearer(admin), files={"file": ("a.xlsx", b"x", XLSX)}).status_code == 403
    assert client.post("/api/submissions", files={"file": ("a.xlsx", b"x", XLSX)}).status_code == 401
    listed = {s["学校代码"]: s for s in client.get("/api/schools", headers=bearer(admin)).json()}
    assert listed["4111099903"]["latest"]["version"] == 2  # nothing refused became a version


def test_unknown_addresses_and_methods_answer_in_chinese(client):
    assert client.get("/api/nothing").json()["detail"].startswith("没有找到")
    assert client.delete("/api/schools").json()["detail"] == "不支持这种请求方式。"


def test_every_version_is_kept_and_everything_survives_a_restart(client, data, admin, schools):
    token = schools["4111099902"]
    first = client.get("/api/schools", headers=bearer(admin)).json()
    changed = as_school(OTHER, "4111099902")  # other figures, the same school
    second = upload(client, token, OTHER, name="再次上传.xlsx", data=changed).json()
    report = wait_for_report(client, second["id"], token)
    assert report.status_code == 200
    client.__exit__(None, None, None)  # the server stops …

    with TestClient(create_app(data, warm_office=False)) as again:  # … and a new one starts on the same folder
        listed = {s["学校代码"]: s for s in again.get("/api/schools", headers=bearer(admin)).json()}
        assert listed["4111099902"]["latest"]["version"] == 2
        assert listed["4111099902"]["latest"]["sha256"] == sha256(changed)
        assert listed["4111099903"]["state"] == first[[s["学校代码"] for s in first].index("4111099903")]["state"]
        assert again.get(f"/api/submissions/{second['id']}/report.docx", headers=bearer(token)).content == report.content
        stored = sorted((data / "files" / "submissions").glob("*/填报表-*.xlsx"))
        assert {sha256(p.read_bytes()) for p in stored} >= {sha256(GOOD.read_bytes()), sha256(changed)}


def test_a_job_interrupted_by_a_stop_is_run_again_at_the_next_start(tmp_path):
    data = tmp_path / "数据"
    token = admin_token(data)
    with TestClient(create_app(data, worker=False)) as client:
        school = client.post("/api/schools", headers=bearer(token), json={"学校代码": "4111099902", "单位名称": "甲"}).json()
        submission = upload(client, school["token"], GOOD).json()
        assert wait_for_report(client, submission["id"], school["token"], seconds=1).status_code == 202
    db = Database(sqlite_url(data))
    with db.transaction() as session:  # the server was killed while rendering
        session.get(Job, 1).state = RUNNING
    db.dispose()
    with TestClient(create_app(data, warm_office=False)) as client:
        assert wait_for_report(client, submission["id"], school["token"]).status_code == 200
        db = Database(sqlite_url(data))
        for _ in range(50):  # the report is in place a moment before the job is marked done
            with db.transaction() as session:
                job, requeued = session.get(Job, 1), session.scalars(select(Audit).where(Audit.action == "重新排队")).all()
            if job.state == "已完成":
                break
            time.sleep(0.1)
        db.dispose()
    assert job.state == "已完成" and requeued


def test_approved_workbooks_of_earlier_years_are_the_history_of_the_district_report(tmp_path):
    """No history folder to assemble: the desk's approved versions of earlier years feed the series
    (each school's newest approved version of each year; a version never approved does not count)."""
    from vqr_author.web.admin import open_data
    from vqr_author.web.db import APPROVED, RETURNED, School
    from vqr_author.web.desk import accept_region, accept_upload, create_school, queue, review
    from vqr_author.web.jobs import Worker, render_region
    from vqr_author.web.photos import Sent

    history = ROOT / "sample_inputs" / "district" / "历年"
    db, store = open_data(tmp_path / "数据")
    with db.transaction() as session:
        first = create_school(session, "4111099902", "北京市海川区第一职业学校", "测试").id
        farm = create_school(session, "4111099904", "北京市海川区现代农业职业学校", "测试").id

    def submit(school_id: int, path: Path, decision: str = APPROVED) -> None:
        submission = accept_upload(db, store, school_id, Sent(path.read_bytes()), "测试").submission
        with db.transaction() as session:
            review(session, session.merge(submission), decision, "请核对" if decision == RETURNED else "", "测试")

    submit(first, history / "2022" / GOOD.name)
    submit(first, history / "2023" / GOOD.name)
    submit(first, history / "2023" / GOOD.name)  # approved again: one 2023 workbook counts, not two
    submit(first, GOOD)
    submit(farm, history / "2022" / "海川区现代农业职业学校.xlsx", RETURNED)  # never approved: no 2022 for it
    submit(farm, history / "2023" / "海川区现代农业职业学校.xlsx")
    submit(farm, SCHOOLS / "海川区现代农业职业学校.xlsx")
    region = accept_region(db, store, (ROOT / "sample_inputs" / "district" / "海川区.xlsx").read_bytes(), "区县", "测试")
    with db.transaction() as session:
        assert {s.state for s in session.scalars(select(School))} == {APPROVED}
        job = queue(session, "region", "测试", region_id=region.id)
        call, _ = Worker(db, store)._call(session, job)
    db.dispose()
    outcome = render_region(*call[1:])
    assert outcome["ok"], outcome
    assert not [p for p in outcome["problems"] if p["code"].startswith("history")]
    document = docx.Document(call[3])
    counts = next(t for t in document.tables if len(t.rows) > 1 and t.rows[1].cells[0].text == "年度")  # row 0: caption
    assert [[c.text for c in row.cells[:2]] for row in counts.rows[2:]] == [["2022年", "1"], ["2023年", "2"], ["2024年", "2"]]
