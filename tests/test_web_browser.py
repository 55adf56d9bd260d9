"""The web app in a real browser (headless Chromium driven by selenium): the school's flow and the
office's flow, end to end against a running server, with screenshots of the main pages saved to
docs/images/web-*.png for the documentation when VQR_SCREENSHOTS=docs/images is set."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from test_web_api import GOOD, WITH_ERRORS, admin_token, as_school, bearer

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
chromedriver = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (chromium and chromedriver),
                                reason="需要 Debian 的 chromium 和 chromium-driver（CI 会安装）")

# The screenshots are the documentation's (docs/images/web-*.png) only when asked for, with
# VQR_SCREENSHOTS=docs/images; a plain test run leaves the repository as it found it.
IMAGES = Path(os.environ.get("VQR_SCREENSHOTS") or tempfile.mkdtemp(prefix="vqr-web-shots-"))
REGION = ROOT / "sample_inputs" / "district" / "海川区.xlsx"
PASSWORD = "示例密码-2024"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by uvicorn on a free port, as `vqr serve` runs it."""
    import uvicorn

    from vqr_author.web.app import create_app

    data = tmp_path_factory.mktemp("browser") / "数据"
    token = admin_token(data)
    subprocess.run([sys.executable, "-m", "vqr_author.cli", "admin-password", "--data", str(data), "--password-stdin"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    port = free_port()
    web = uvicorn.Server(uvicorn.Config(create_app(data), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    while not web.started:
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "token": token, "data": data}
    web.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path),
                                              "download.prompt_for_download": False, "intl.accept_languages": "zh-CN"})
    service = Service(chromedriver, env={**os.environ, "LANGUAGE": "zh_CN"})  # Chinese browser UI
    driver = webdriver.Chrome(options=options, service=service)
    driver.downloads = tmp_path
    yield driver
    driver.quit()


def wait_for(driver, css: str, seconds: float = 180):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.3).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_gone(driver, css: str, seconds: float = 60) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds, poll_frequency=0.3).until(
        expected_conditions.invisibility_of_element_located((By.CSS_SELECTOR, css)))


def find(driver, css: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)


def find_all(driver, css: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def screenshot(driver, name: str, at: str | None = None) -> None:
    if at:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -12);", find(driver, at))
        time.sleep(0.2)
    IMAGES.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(IMAGES / f"web-{name}.png"))


def downloaded(driver, suffix: str, seconds: float = 30) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in driver.downloads.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"没有下载到 {suffix} 文件")


def new_school(server, code: str, name: str) -> str:
    import httpx

    answer = httpx.post(server["url"] + "/api/schools", headers=bearer(server["token"]), json={"学校代码": code, "单位名称": name})
    assert answer.status_code == 201, answer.text
    return answer.json()["upload_url"]


def test_school_flow(server, browser, tmp_path):
    link = new_school(server, "4111099902", "北京市海川区第一职业学校")
    with_errors = tmp_path / WITH_ERRORS.name  # the sample with errors, as this school's workbook
    with_errors.write_bytes(as_school(WITH_ERRORS, "4111099902"))
    browser.get(link)
    assert "北京市海川区第一职业学校" in find(browser, "h1").text and "未提交" in find(browser, "#school-state").text

    # a workbook with errors: every problem at once, each with 工作表!单元格
    find(browser, "#file").send_keys(str(with_errors))
    find(browser, "#upload-button").click()
    wait_for(browser, "#problems")
    rows = find_all(browser, "#problems tbody tr")
    places = [r.find_elements("css selector", "td")[1].text for r in rows]
    assert len(rows) >= 5 and all("!" in p for p in places if p != "（文件）")  # the missing photos are one row
    assert "有错误" in find(browser, "#school-state").text
    assert "个错误" in find(browser, "#counts").text
    screenshot(browser, "school-problems")
    find(browser, "#download-annotated").click()
    assert downloaded(browser, "问题标注.xlsx").stat().st_size > 0

    # the good workbook: no errors, the report is made in the background, the changes are shown
    find(browser, "#file").send_keys(str(GOOD))
    find(browser, "#upload-button").click()
    wait_for(browser, "#download-docx", 120)
    assert "待审核" in find(browser, "#school-state").text
    assert find_all(browser, "#changes table"), "the changes from version 1 are listed"
    assert len(find_all(browser, "#versions tbody tr")) == 2
    find(browser, "#download-docx").click()
    assert downloaded(browser, ".docx").read_bytes()[:2] == b"PK"

    # the PDF and its page images, made by LibreOffice in a worker process while the page polls
    if shutil.which("soffice") or shutil.which("libreoffice"):
        find(browser, "#make-pdf").click()
        wait_for(browser, "#pdf-progress", 30)
        wait_for(browser, "#preview img", 300)
        wait_gone(browser, "#pdf-progress")
        assert len(find_all(browser, "#preview img")) >= 2
        screenshot(browser, "school-report", at="#report")
    assert find(browser, "#download-next-year").is_displayed()


def test_office_flow(server, browser):
    link = new_school(server, "4111099903", "北京市海川区旅游商贸学校")
    browser.get(server["url"] + "/office")
    assert browser.current_url.endswith("/office/login")
    find(browser, "input[name=password]").send_keys("wrong password")
    find(browser, "button[type=submit]").click()
    assert "不正确" in wait_for(browser, ".alert.error").text
    find(browser, "input[name=password]").send_keys(PASSWORD)
    find(browser, "button[type=submit]").click()
    wait_for(browser, "#schools")

    # create a school from the form: it appears with its private link
    find(browser, "#add-school input[name=code]").send_keys("4111099905")
    find(browser, "#add-school input[name=name]").send_keys("北京市海川区艺术职业学校")
    find(browser, "#add-school button").click()
    assert "已创建学校 4111099905" in wait_for(browser, "#message").text
    assert "北京市海川区艺术职业学校" in find(browser, "#schools").text

    # the school of the other link uploads (here through the API), the office reviews it
    import httpx

    token = link.rsplit("/", 1)[1]
    other = ROOT / "sample_inputs" / "district" / "学校" / "海川区旅游商贸学校.xlsx"
    answer = httpx.post(server["url"] + "/api/submissions", headers=bearer(token),
                        files={"file": (other.name, other.read_bytes())}, timeout=60)
    assert answer.json()["status"] == "待审核"
    browser.get(server["url"] + "/office?state=待审核")
    rows = find_all(browser, "#schools tbody tr")
    assert rows and all("待审核" in r.text for r in rows)
    browser.find_element("link text", "北京市海川区旅游商贸学校").click()
    wait_for(browser, "#download-docx", 120)
    screenshot(browser, "office-review")
    find(browser, "#approve").click()
    assert "已通过" in wait_for(browser, "h1 .badge").text

    # the district report from the approved schools and the office's own workbook, with progress
    browser.get(server["url"] + "/office")
    find(browser, "#region-form input[type=file]").send_keys(str(REGION))
    find(browser, "#region-form button").click()
    assert "已上传区县填报表" in wait_for(browser, "#message").text
    find(browser, "#make-region").click()
    wait_for(browser, "#download-region", 300)
    screenshot(browser, "office-region", at="#region")
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "office")
    find(browser, "#download-region").click()
    assert downloaded(browser, ".docx").read_bytes()[:2] == b"PK"
    find(browser, "#download-summary").click()
    assert downloaded(browser, "汇总.xlsx").stat().st_size > 0
