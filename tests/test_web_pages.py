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
    # a decision that changes nothing: no button for it, and the server refuses it (one audit line)
    approved = office.get(f"/office/schools/{school_id}").text
    assert 'id="approve"' not in approved and 'id="return"' in approved
    again = office.post(review, data={"csrf": csrf(approved), "decision": "已通过", "comment": ""})
    assert again.status_code == 409 and "已经是“已通过”" in again.text
    assert office.get("/office/audit").text.count("：已通过") == 1
    # the re-upload is compared with the version before it
    assert upload(office, link, OTHER, code="4111099992").status_code == 303
    assert "改动的单元格" in office.get(link).text


def test_links_come_with_a_copy_button_and_versions_stay_on_one_line(office, links):
    """Each school's 专用链接 (the desk's list and the school's page) is a whole field with its 复制
    button; the 历次上传 table keeps 第 N 版 and the time on one line."""
    desk = office.get("/office").text
    for link in links.values():
        assert re.search(rf'value="http://testserver{link}"[^>]*>\s*<button type="button" class="copy" data-copy', desk)
    school_id = re.search(r'href="/office/schools/(\d+)">甲校', desk).group(1)
    page = office.get(f"/office/schools/{school_id}").text
    assert 'class="copy-field"' in page and "data-copy" in page
    if 'id="versions"' in page:
        assert re.search(r'<td class="nowrap">第 \d+ 版</td>', page)
    script = office.get("/static/app.js").text
    assert "[data-copy]" in script and "clipboard" in script


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

    def blank_cover(link: str) -> dict:
        blank = office.get(link + "/blank.xlsx")
        return {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(blank.content))["封面"].iter_rows(values_only=True)}

    blank = office.get(links["4111099991"] + "/blank.xlsx")
    cover = blank_cover(links["4111099991"])
    # the school's own code and name as the office registered them, itself as 发布单位, and the year
    # being collected: until the office sets it, the year of the latest upload (the samples' 2024)
    assert (cover["学校代码"], cover["单位名称"], cover["发布单位"]) == ("4111099991", "甲校", "甲校")
    assert cover["报告年度"] == "2024"
    assert "2024 年度空白填报表" in office.get(links["4111099991"]).text
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
    assert "2025 年度填报表（带入 2024 年度数据）" in office.get(links["4111099992"]).text
    # the office sets the year it collects: every blank workbook follows; a non-year or no change is refused
    desk = office.get("/office").text
    assert re.search(r'name="year" value="2024"', desk)
    for wrong, status in (("二〇二五", 422), ("25", 422)):
        refused = office.post("/office/year", data={"csrf": csrf(desk), "year": wrong})
        assert refused.status_code == status and "四位数字的年份" in refused.text
    assert office.post("/office/year", data={"csrf": csrf(desk), "year": "2025"}).status_code == 303
    same = office.post("/office/year", data={"csrf": csrf(desk), "year": "2025"})
    assert same.status_code == 409 and "已经是 2025 年" in same.text
    assert blank_cover(links["4111099992"])["报告年度"] == "2025"
    assert "2025 年度空白填报表" in office.get(links["4111099991"]).text
    assert "设置收集年度" in office.get("/office/audit").text


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


# -- vqr serve itself: a relative data folder, and a start that fails ------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_demo_with_a_relative_data_folder_serves_its_pages(tmp_path):
    """`vqr serve --demo --data 数据` run where the README says (a relative folder): it starts, says
    so only once it listens, serves the desk, and keeps its LibreOffice (when installed) on the
    folder's absolute profile."""
    import signal
    import urllib.request

    from vqr_author.output.pdf import find_soffice

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "vqr_author.cli", "serve", "--demo", "--data", "数据", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**__import__("os").environ, "COLUMNS": "200"})
    try:
        said = ""
        deadline = time.monotonic() + 180
        while "网页版已启动" not in said and server.poll() is None and time.monotonic() < deadline:
            said += server.stdout.readline()
        assert server.poll() is None, (said, server.stderr.read())
        assert "✓ 网页版已启动" in said
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/office/login", timeout=30) as answer:
            assert answer.status == 200 and "登录" in answer.read().decode("utf-8")
        if find_soffice():  # the kept LibreOffice runs on the data folder's profile, however it was named
            profile = tmp_path / "数据" / "cache" / "libreoffice" / "profile"
            deadline = time.monotonic() + 120
            while not (profile / "user").is_dir() and server.poll() is None and time.monotonic() < deadline:
                time.sleep(0.3)
            assert (profile / "user").is_dir()
            assert server.poll() is None
        assert "Traceback" not in (tmp_path / "数据" / "server.log").read_text(encoding="utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert "Traceback" not in out + err


def test_a_start_that_fails_is_said_in_chinese_never_announced(tmp_path, monkeypatch):
    """The app cannot start (here: its background processes): no ✓, a Chinese message naming what
    failed and the log, and an error for the command line (exit code ≠ 0)."""
    from vqr_author.errors import VqrError
    from vqr_author.web import jobs
    from vqr_author.web.admin import log_to_file, run_server

    def broken(self) -> None:
        raise OSError("no processes")

    monkeypatch.setattr(jobs.Worker, "start", broken)
    web = create_app(tmp_path / "数据", warm_office=False)
    log = log_to_file(tmp_path / "数据")
    announced = []
    with pytest.raises(VqrError) as refused:
        run_server(web, "127.0.0.1", free_port(), log, lambda: announced.append(True))
    assert not announced
    message = str(refused.value)
    assert message.startswith("网页版没有启动：启动后台生成报告的进程") and str(log) in message
    assert refused.value.exit_code != 0
    assert "no processes" in log.read_text(encoding="utf-8")  # the details: in the log, not the terminal


def test_serve_exits_with_an_error_when_its_start_fails(tmp_path):
    """The command line: a data folder whose LibreOffice folder cannot be made (a file is in its
    place) — or, without LibreOffice, a port that is taken — ends with a Chinese error and code ≠ 0."""
    import socket

    from vqr_author.output.pdf import find_soffice

    data = tmp_path / "数据"
    (data / "cache").mkdir(parents=True)
    (data / "cache" / "libreoffice").write_text("", encoding="utf-8")
    port = free_port()
    with socket.socket() as taken:
        if not find_soffice():
            taken.bind(("127.0.0.1", port))
            taken.listen()
        done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "serve", "--data", "数据", "--port", str(port)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=180,
                              env={**__import__("os").environ, "COLUMNS": "200"})
    assert done.returncode != 0
    assert "✓" not in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert "网页版没有启动" in done.stderr or "无法在" in done.stderr, done.stderr


def test_a_data_folder_from_before_the_collection_year_gets_its_default_from_the_newest_upload(tmp_path):
    """Versions stored before the 收集年度 existed have no year: the newest one's is read from its
    workbook at start, so the blank workbooks carry the year being collected, not today's."""
    from sqlalchemy import update

    from vqr_author.web.admin import open_data
    from vqr_author.web.blanks import adopt_year, collection_year
    from vqr_author.web.db import Submission
    from vqr_author.web.desk import accept_upload, create_school
    from vqr_author.web.photos import Sent

    db, store = open_data(tmp_path / "数据")
    with db.transaction() as session:
        school_id = create_school(session, "4111099902", "海川区第一职业学校", "测试").id
    accept_upload(db, store, school_id, Sent(GOOD.read_bytes()), "测试")
    with db.transaction() as session:
        assert collection_year(session) == 2024  # stored with the upload
        session.execute(update(Submission).values(year=""))  # as revision 0003 found it
    adopt_year(db, store)
    with db.transaction() as session:
        assert collection_year(session) == 2024
    db.dispose()
