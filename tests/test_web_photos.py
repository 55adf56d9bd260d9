"""Case photos through the web (docs/api.md, docs/web.md): sent beside the workbook (multipart field
``photos``) or in one .zip with it, matched to the cases by file name, kept with the version where
kept under their sha256 with the map of the workbook's cells to them, shown to the library where its
workbook names them, so the report has them; refused in Chinese by type, size, number and name
clashes; a name the workbook gives is never a stored file's."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from test_web_api import XLSX, admin_token, bearer, wait_for_report
from test_web_pages import csrf
from vqr_author.digest import sha256
from vqr_author.web.app import create_app
from vqr_author.web.photos import reference_ok

SCHOOL = ROOT / "sample_inputs" / "school"
WORKBOOK = SCHOOL / "海川职业学校.xlsx"  # 4111099901; its cases name 照片/案例1.png … 照片/案例6.png
PHOTOS = sorted((SCHOOL / "照片").glob("*.png"))
PNG = "image/png"


def photo_fields(paths=PHOTOS) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (p.name, p.read_bytes(), PNG)) for p in paths]


def send(client: TestClient, token: str, extra: list | None = None, file=None):
    file = file or (WORKBOOK.name, WORKBOOK.read_bytes(), XLSX)
    return client.post("/api/submissions", headers=bearer(token), files=[("file", file), *(extra or [])])


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tmp_path_factory.mktemp("photos") / "数据"


@pytest.fixture(scope="module")
def client(data):
    admin = admin_token(data)
    with TestClient(create_app(data, warm_office=False), follow_redirects=False) as client:
        client.admin = admin
        yield client


@pytest.fixture(scope="module")
def school(client) -> str:
    answer = client.post("/api/schools", headers=bearer(client.admin), json={"学校代码": "4111099901", "单位名称": "海川职业学校"})
    return answer.json()["token"]


def test_without_its_photos_the_workbook_says_how_to_send_them(client, school):
    body = send(client, school).json()
    missing = [p for p in body["problems"] if p["code"] == "image-not-found"]
    assert body["status"] == "有错误" and len(missing) == 1 and body["photos"] == []  # one message for the six
    message = missing[0]["message"]
    assert "找不到 6 张案例照片" in message and all(f"“照片/案例{n}.png”" in message for n in range(1, 7))
    assert "案例!D2" in message and ".zip" in message and "同时选择" in message
    assert "在 " not in message.split("。")[0]  # no server folder named


def test_photos_sent_beside_the_workbook_are_kept_and_in_the_report(client, school, data):
    extra = ("photos", ("多余.png", PHOTOS[0].read_bytes(), PNG))  # named by no case: not kept
    body = send(client, school, [*photo_fields(), extra]).json()
    assert body["status"] == "待审核", body["problems"]
    assert not [p for p in body["problems"] if p["code"].startswith("image-")]
    assert body["photos"] == [f"照片/案例{n}.png" for n in range(1, 7)] and body["unused_photos"] == ["多余.png"]
    # kept under names of ours (their sha256), never where the workbook's cells say; the map beside them
    folder = data / "files" / "submissions" / str(body["id"])
    assert not (folder / "照片").exists() and not [p for p in folder.rglob("*") if "案例" in p.name]
    assert sorted(p.name for p in (folder / "photos").iterdir()) == sorted(f"{sha256(p.read_bytes())}.png" for p in PHOTOS)
    kept = json.loads((folder / "photos.json").read_text(encoding="utf-8"))
    assert kept["照片/案例3.png"] == sha256((SCHOOL / "照片" / "案例3.png").read_bytes()) + ".png"
    report = wait_for_report(client, body["id"], school)
    assert report.status_code == 200, report.text
    media = [n for n in zipfile.ZipFile(io.BytesIO(report.content)).namelist() if n.startswith("word/media/")]
    assert len(media) >= 6, media
    # the annotated copy finds the photos too (no 找不到图片 among its notes), and no view is left behind
    annotated = client.get(f"/s/{school}/v/{body['id']}/annotated.xlsx")
    assert annotated.status_code == 200 and "找不到图片".encode() not in _comments(annotated.content)
    assert not list(folder.glob(".view-*"))


def _retyped(changes: dict[tuple[str, str], str]) -> bytes:
    """The sample workbook with some cells of 案例 typed anew."""
    import openpyxl

    wb = openpyxl.load_workbook(WORKBOOK)
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_corrected_workbook_sent_alone_keeps_the_previous_version_s_photos(client, school, data):
    """The QA case: version with 6 photos, then the corrected .xlsx alone: the photos of the same
    names are reused (said once), the diff never says a photo cell was emptied, and a photo really
    missing is one message."""
    first = send(client, school, photo_fields()).json()
    assert first["status"] == "待审核", first["problems"]
    fixed = _retyped({("案例", "E2"): "修改后的图片说明"})
    body = send(client, school, file=("海川职业学校.xlsx", fixed, XLSX)).json()
    assert body["status"] == "待审核", body["problems"]
    assert body["photos"] == [f"照片/案例{n}.png" for n in range(1, 7)] and body["reused_photos"] == body["photos"]
    kept = json.loads((data / "files" / "submissions" / str(body["id"]) / "photos.json").read_text(encoding="utf-8"))
    assert kept["照片/案例3.png"] == sha256((SCHOOL / "照片" / "案例3.png").read_bytes()) + ".png"
    page = client.get(f"/s/{school}").text
    changes = re.sub(r"\s+", " ", page.split('id="changes"')[-1] if 'id="changes"' in page else page)
    assert "修改后的图片说明" in changes and "案例2.png → （空）" not in changes and "图片 案例" not in changes
    # one photo really missing (renamed in its cell, not sent): one error, the others still reused
    renamed = send(client, school, file=("海川职业学校.xlsx", _retyped({("案例", "D3"): "照片/新照片.png"}), XLSX)).json()
    missing = [p for p in renamed["problems"] if p["code"] == "image-not-found"]
    assert len(missing) == 1 and "找不到 1 张案例照片：“照片/新照片.png”（案例!D3）" in missing[0]["message"]
    assert len(renamed["reused_photos"]) == 5
    # the school's page says it once, right after the upload
    form = client.get(f"/s/{school}").text
    answer = client.post(f"/s/{school}/upload", data={"csrf": csrf(form)},
                         files=[("file", ("海川职业学校.xlsx", fixed, XLSX))])
    assert answer.status_code == 303 and "reused=6" in answer.headers["location"]
    shown = re.sub(r"\s+", " ", client.get(answer.headers["location"]).text)
    assert shown.count("沿用了上一版中文件名相同的照片") == 1 and "6 张案例照片" in shown
    assert "沿用了上一版" not in client.get(f"/s/{school}").text


def _comments(xlsx: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(xlsx))
    return b"".join(archive.read(n) for n in archive.namelist() if "comments" in n)


def test_a_zip_of_the_workbook_and_its_photos(client, school, data):
    members = {"学校材料/海川职业学校.xlsx": WORKBOOK.read_bytes(), "__MACOSX/学校材料/._海川职业学校.xlsx": b"junk",
               "学校材料/.DS_Store": b"junk", "../../逃逸/案例1.png": PHOTOS[0].read_bytes(),
               **{f"学校材料/别的文件夹/{p.name}": p.read_bytes() for p in PHOTOS[1:]}}
    body = send(client, school, file=("材料.zip", zipped(members), "application/zip")).json()
    assert body["status"] == "待审核", body["problems"]
    assert body["photos"] == [f"照片/案例{n}.png" for n in range(1, 7)] and body["unused_photos"] == []
    assert not list(data.parent.rglob("逃逸")), "a member's own path is never used"
    # the page shows the photos kept with the version
    page = client.get(f"/s/{school}").text
    assert "随这一版保存的案例照片 6 张" in page


@pytest.mark.parametrize("extra, file, status, words", [
    ([("photos", ("说明.txt", b"x", "text/plain"))], None, 415, ("说明.txt", "JPG")),
    ([("photos", ("大.png", b"\x89PNG" + bytes(10 * 1024 * 1024), PNG))], None, 413, ("大.png", "10 MB")),
    ([("photos", ("案例1.png", b"a", PNG)), ("photos", ("案例1.PNG", b"b", PNG))], None, 422, ("两张照片", "案例1")),
    ([], ("材料.zip", b"not a zip", "application/zip"), 422, ("压缩包无法打开",)),
    ([], ("材料.zip", zipped({"a.xlsx": WORKBOOK.read_bytes(), "b.xlsx": WORKBOOK.read_bytes()}), "application/zip"),
     422, ("2 个填报表", "正好有一个")),
    ([], ("材料.zip", zipped({"案例1.png": PHOTOS[0].read_bytes()}), "application/zip"), 422, ("没有填报表",)),
    ([], ("材料.zip", zipped({"a.xlsx": WORKBOOK.read_bytes(), "报告.docx": b"x"}), "application/zip"), 415, ("报告.docx",)),
])
def test_photos_and_zips_that_cannot_be_taken_are_refused_in_chinese(client, school, extra, file, status, words):
    versions = client.get("/api/schools", headers=bearer(client.admin)).json()[0]["latest"]
    answer = send(client, school, extra, file)
    assert answer.status_code == status, answer.text
    assert all(w in answer.json()["detail"] for w in words), answer.json()["detail"]
    assert client.get("/api/schools", headers=bearer(client.admin)).json()[0]["latest"] == versions  # nothing kept


def test_a_file_that_is_not_really_a_photo_is_the_workbook_s_error(client, school):
    body = send(client, school, [("photos", ("案例1.png", b"not an image", PNG)), *photo_fields(PHOTOS[1:])]).json()
    assert body["status"] == "有错误"
    assert [p["code"] for p in body["problems"] if p["code"].startswith("image-")] == ["image-not-an-image"]


def test_the_upload_form_takes_photos(client, school):
    page = client.get(f"/s/{school}").text
    assert 'name="photos"' in page and "multiple" in page and ".zip" in page
    answer = client.post(f"/s/{school}/upload", data={"csrf": csrf(page)},
                         files=[("file", (WORKBOOK.name, WORKBOOK.read_bytes(), XLSX)), *photo_fields(),
                                ("photos", ("多余.png", PHOTOS[0].read_bytes(), PNG))])
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"/s/{school}?unused=1")
    shown = client.get(answer.headers["location"]).text
    assert "1 张没有被任何案例" in re.sub(r"\s+", " ", shown) and "随这一版保存的案例照片 6 张" in shown


@pytest.mark.parametrize("reference, ok", [
    ("照片/案例1.png", True), ("案例1.JPG", True), ("a/b/c/d.png", False), ("../案例1.png", False),
    ("照片/../../x.png", False), ("pdf/pages/page-1.png", True), (".隐藏/案例1.png", False), ("C:/x.png", False),
    ("案例1.docx", False), ("照片/ 案例1.png", False), ("", False),
])
def test_a_photo_is_shown_to_the_library_only_under_ordinary_relative_names(reference, ok):
    assert reference_ok(reference) is ok
