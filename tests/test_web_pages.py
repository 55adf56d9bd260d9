"""The web app's pages without a browser: sign-in, CSRF, a school's link showing only that school,
limits said in Chinese, the review states, exports and the audit log."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient

from test_web_api import GOOD, OTHER, WITH_ERRORS, XLSX, as_school
from vqr_author.web.app import create_app

PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("pages") / "数据"
    subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-password", "--data", str(data), "--password-stdin"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    return data


@pytest.fixture(scope="module")
def office(data):
    with TestClient(create_app(data, warm_office=False), follow_redirects=False) as client:
        login = client.get("/office/login")
        answer = client.post("/office/login", data={"username": "admin", "password": PASSWORD, "csrf": csrf(login.text)})
        assert answer.status_code == 303, answer.text
        yield client


@pytest.fixture(scope="module")
def links(office):
    page = office.get("/office").text
    made = {}
    for code, name in (("4111099991", "甲校"), ("4111099992", "乙校")):
        answer = office.post("/office/schools", data={"code": code, "name": name, "csrf": csrf(page)})
        assert answer.status_code == 303
    page = office.get("/office").text
    for code in ("4111099991", "4111099992"):
        made[code] = re.search(rf"{code}</td>.*?value=\"http://testserver(/s/[^\"]+)\"", page, re.S).group(1)
    return made


def upload(client: TestClient, link: str, path, name: str | None = None, code: str | None = None):
    """Upload the workbook at ``path`` through ``link``, with ``code`` as its 学校代码 when given."""
    token_csrf = csrf(client.get(link).text)
    data = as_school(path, code) if code else path.read_bytes()
    return client.post(link + "/upload", data={"csrf": token_csrf}, files={"file": (name or path.name, data, XLSX)})


def test_the_desk_needs_a_sign_in_with_the_right_password(data):
    with TestClient(create_app(data, worker=False), follow_redirects=False) as client:
        assert client.get("/office").headers["location"] == "/office/login"
        assert client.get("/office/summary.xlsx").headers["location"] == "/office/login"
        login = client.get("/office/login")
        wrong = client.post("/office/login", data={"username": "admin", "password": "nope", "csrf": csrf(login.text)})
        assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
        forged = client.post("/office/login", data={"username": "admin", "password": PASSWORD, "csrf": "0" * 64})
        assert forged.status_code == 403 and "刷新页面" in forged.text


def test_forms_without_their_csrf_token_do_nothing(office, links):
    refused = office.post("/office/schools", data={"code": "C3", "name": "丙校", "csrf": "bad"})
    assert refused.status_code == 403 and "刷新页面" in refused.text
    assert "C3" not in office.get("/office").text
    school = links["4111099991"]
    refused = office.post(school + "/upload", files={"file": ("a.xlsx", GOOD.read_bytes(), XLSX)})
    assert refused.status_code == 403


def test_schools_are_created_from_a_list(office, links):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "学校代码", "单位名称"])
    wb.active.append([1, "4111099981", "名单一校"])
    wb.active.append([2, "4111099991", "甲校"])  # already there: skipped, not doubled
    buffer = io.BytesIO()
    wb.save(buffer)
    page = office.get("/office").text
    answer = office.post("/office/schools/import", data={"csrf": csrf(page)},
                         files={"file": ("名单.xlsx", buffer.getvalue(), XLSX)})
    assert answer.status_code == 303
    assert "已从名单创建 1 所学校，1 所已经登记过" in office.get(answer.headers["location"]).text
    page = office.get("/office").text
    assert "名单一校" in page and page.count(">甲校<") == 1
    wrong = office.post("/office/schools/import", data={"csrf": csrf(page)},
                        files={"file": ("名单.xlsx", GOOD.read_bytes(), XLSX)})
    assert wrong.status_code == 422 and "学校代码" in wrong.text


def test_a_school_link_shows_that_school_only(office, links):
    answer = upload(office, links["4111099991"], WITH_ERRORS, code="4111099991")
    assert answer.status_code == 303
    page = office.get(links["4111099991"]).text
    assert "甲校" in page and "乙校" not in page and "有错误" in page
    assert re.search(r"案例!D2", page), "every problem is shown with 工作表!单元格"
    version = re.search(r"/v/(\d+)/annotated.xlsx", page).group(1)
    assert office.get(f"{links['4111099992']}/v/{version}/workbook.xlsx").status_code == 404
    assert office.get(f"{links['4111099991']}/v/{version}/workbook.xlsx").content == as_school(WITH_ERRORS, "4111099991")
    annotated = office.get(f"{links['4111099991']}/v/{version}/annotated.xlsx")
    assert "问题清单" in openpyxl.load_workbook(io.BytesIO(annotated.content)).sheetnames
    assert office.get("/s/not-a-real-token").status_code == 404
    assert "链接无效" in office.get("/s/not-a-real-token").text


def test_refused_uploads_are_said_on_the_page(office, links):
    answer = upload(office, links["4111099992"], GOOD, name="学校.xls")
    assert answer.status_code == 415 and "另存为" in answer.text
    broken = office.post(links["4111099992"] + "/upload", data={"csrf": csrf(office.get(links["4111099992"]).text)},
                         files={"file": ("学校.xlsx", b"not a zip", XLSX)})
    assert broken.status_code == 422 and "未提交" in broken.text
    other = upload(office, links["4111099992"], GOOD)  # 4111099902's workbook through 乙校's link
    assert other.status_code == 422 and "未提交" in other.text
    shown = re.search(r'id="upload-error">([^<]*)<', other.text).group(1)
    assert "4111099902" in shown and "4111099992" in shown and "乙校" in shown

def test_review_states_from_upload_to_approval(office, links):
    link = links["4111099992"]
    assert upload(office, link, GOOD, code="4111099992").status_code == 303
    assert "待审核" in office.get(link).text
    school_id = re.search(r'href="/office/schools/(\d+)">乙校', office.get("/office").text).group(1)
    detail = office.get(f"/office/schools/{school_id}").text
    review = re.search(r'action="(/office/submissions/\d+/review)"', detail).group(1)
    empty = office.post(review, data={"csrf": csrf(detail), "decision": "退回修改", "comment": " "})
    assert empty.status_code == 422 and "写明" in empty.text
    office.post(review, data={"csrf": csrf(detail), "decision": "退回修改", "comment": "请核对学生人数"})
    school_page = office.get(link).text
    assert "退回修改" in school_page and "请核对学生人数" in school_page
    assert "退回修改" in office.get("/office?state=退回修改").text.split("<tbody>")[1]
    office.post(review, data={"csrf": csrf(detail), "decision": "已通过", "comment": ""})
    assert "已通过" in office.get(link).text
    # the re-upload is compared with the version before it
    assert upload(office, link, OTHER, code="4111099992").status_code == 303
    assert "改动的单元格" in office.get(link).text


def test_exports_and_the_audit_log(office, links):
    deadline = time.monotonic() + 120
    while "下载 Word 报告" not in office.get(links["4111099992"]).text and time.monotonic() < deadline:
        time.sleep(0.5)
    archive = zipfile.ZipFile(io.BytesIO(office.get("/office/reports.zip").content))
    assert [n for n in archive.namelist() if n.endswith(".docx") and "4111099992" in n]
    summary = openpyxl.load_workbook(io.BytesIO(office.get("/office/summary.xlsx").content))
    rows = [[c.value for c in r] for r in summary["汇总"].iter_rows(min_row=2)]
    assert {r[2] for r in rows} == {"4111099991", "4111099992", "4111099981"}
    assert summary["问题"].max_row > 1
    log = office.get("/office/audit").text
    for action in ("登录", "创建学校", "上传填报表", "审核", "下载汇总表", "上传被拒绝"):
        assert f"<td>{action}</td>" in log, action


def test_times_are_stored_in_utc_and_shown_in_china_time(data, office, links):
    """06:05 UTC is 14:05 in 北京时间: on the office's list, the school's page, the audit log and 汇总.xlsx;
    20:30 UTC is already the next day there."""
    import datetime as dt

    from sqlalchemy import update

    from vqr_author.web.db import Audit, Database, Submission, china_time, sqlite_url

    assert china_time(dt.datetime(2026, 11, 24, 20, 30)) == "2026-11-25 04:30"
    db = Database(sqlite_url(data))
    with db.transaction() as session:
        session.execute(update(Submission).values(uploaded=dt.datetime(2026, 11, 24, 6, 5)))
        session.add(Audit(at=dt.datetime(2026, 11, 24, 20, 30), actor="测试", action="对时"))
    db.dispose()
    assert "2026-11-24 14:05" in office.get("/office").text.split("<tbody>")[1]
    school_page = office.get(links["4111099992"]).text
    assert "2026-11-24 14:05" in school_page and "06:05" not in school_page and "UTC" not in school_page
    assert re.search(r"<td>2026-11-25 04:30</td><td>测试</td>", office.get("/office/audit").text)
    summary = openpyxl.load_workbook(io.BytesIO(office.get("/office/summary.xlsx").content))
    assert any("2026-11-24 14:05" in str(cell.value) for row in summary["汇总"].iter_rows(min_row=2) for cell in row)


def test_blank_and_next_year_workbooks(office, links):
    import datetime as dt

    from vqr_author.web.blanks import report_year

    blank = office.get(links["4111099991"] + "/blank.xlsx")
    cover = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(blank.content))["封面"].iter_rows(values_only=True)}
    # the school's own code and name as the office registered them, and the year being collected
    assert (cover["学校代码"], cover["单位名称"]) == ("4111099991", "甲校")
    assert cover["报告年度"] == str(report_year(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()))
    assert cover["所属区县"] is None  # what the app does not know stays for the school to fill
    hints = {r[0]: r[2] for r in openpyxl.load_workbook(io.BytesIO(blank.content))["封面"].iter_rows(values_only=True)}
    assert f"例如：{int(cover['报告年度']) + 1} 年 1 月" in hints["发布日期"]  # the hints follow the year being collected
    other = openpyxl.load_workbook(io.BytesIO(office.get(links["4111099992"] + "/blank.xlsx").content))["封面"]
    assert ("学校代码", "4111099992") in [(r[0], r[1]) for r in other.iter_rows(values_only=True)]
    assert report_year(dt.date(2026, 11, 24)) == 2026 and report_year(dt.date(2027, 3, 1)) == 2026
    assert "空白填报表" in blank.headers["content-disposition"] or "%E7%A9%BA%E7%99%BD" in blank.headers["content-disposition"]
    refused = office.get(links["4111099991"] + "/next-year.xlsx")  # 甲校 has only a version with errors
    assert refused.status_code == 404 and "没有错误" in refused.text
    carried = openpyxl.load_workbook(io.BytesIO(office.get(links["4111099992"] + "/next-year.xlsx").content))
    cover = {r[0].value: r[1].value for r in carried["封面"].iter_rows(min_row=1) if r[0].value}
    assert cover.get("学校代码") == "4111099992"  # carried over from 乙校's latest good version


def test_repeated_wrong_passwords_pause_the_sign_in(tmp_path):
    """Guessing is slowed down: after five wrong passwords in a row the user is paused, even for the
    right password, and told why and what to do."""
    data = tmp_path / "数据"
    subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-password", "--data", str(data), "--password-stdin"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    with TestClient(create_app(data, worker=False, warm_office=False), follow_redirects=False) as client:
        token = csrf(client.get("/office/login").text)
        for _ in range(5):
            wrong = client.post("/office/login", data={"username": "admin", "password": "nope", "csrf": token})
            assert wrong.status_code == 401
        paused = client.post("/office/login", data={"username": "admin", "password": PASSWORD, "csrf": token})
        assert paused.status_code == 429 and "暂停登录" in paused.text and "vqr admin-password" in paused.text
