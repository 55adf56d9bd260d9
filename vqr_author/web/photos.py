"""Case photos sent with a workbook through the web: several files beside the workbook, or one .zip
holding the workbook and its photos.

A photo is matched to a case by its file name alone (the last part of what the 图片文件 cell says:
"照片/案例1.jpg" is matched by a photo called 案例1.jpg, wherever it was on the school's computer or in
the .zip). The name the photo was uploaded under is used for that comparison and nothing else: the photo is
kept under its sha256 (web.storage), and wherever the library reads the version it is shown the
photo where the workbook's own cell says (``reference_ok``), beside the workbook as the command line
finds it, in a temporary view (storage.readable).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from vqr_author.problems import Problem
from vqr_author.web.refused import Refused
from vqr_author.workbook.files import MAX_FILE_BYTES
from vqr_author.workbook.images import MAX_IMAGE_BYTES

if TYPE_CHECKING:
    from vqr_author.api import CheckResult

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_PHOTOS = 40
MAX_MEMBERS = 200  # files in a .zip, its system files included
MAX_PHOTOS_BYTES = 100 * 1024 * 1024  # all photos of one upload together
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + MAX_PHOTOS_BYTES
_MB = 1024 * 1024
_SAFE_PART = re.compile(r"^[^\x00-\x1f<>:\"|?*/\\]{1,80}$")


@dataclass(frozen=True)
class Sent:
    """What a school sent: the workbook's bytes and its photos by their file name (see ``photo_key``)."""

    workbook: bytes
    photos: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # key → (name as sent, bytes)


def photo_key(name: str) -> str:
    """How a photo's name is compared with a 图片文件 cell: its last part, case and width ignored."""
    last = re.split(r"[\\/]", name.strip())[-1]
    return unicodedata.normalize("NFKC", last).casefold()


def reference_ok(reference: str) -> bool:
    """Whether a 图片文件 cell's text may name a stored photo's place inside a version's folder: a
    relative path of at most three ordinary parts, with a photo's extension."""
    parts = PurePosixPath(reference.strip().replace("\\", "/")).parts
    return (0 < len(parts) <= 3 and all(_SAFE_PART.match(p) and not p.startswith(".") and p.strip() == p for p in parts)
            and PurePosixPath(parts[-1]).suffix.lower() in PHOTO_SUFFIXES)


def check_photo_name(name: str) -> None:
    """Refuse (415) a file that is not a photo by its name (its content is checked with the workbook)."""
    shown = re.split(r"[\\/]", name)[-1]
    if PurePosixPath(shown).suffix.lower() not in PHOTO_SUFFIXES:
        raise Refused(415, f"“{shown}”不是照片文件。照片只接受 {'、'.join(PHOTO_SUFFIXES)} 格式；"
                           "其他格式请用图片软件另存为 JPG 或 PNG 后再上传。")


def add_photo(photos: dict[str, tuple[str, bytes]], name: str, data: bytes) -> None:
    """Add one photo to ``photos``, refusing a wrong type, a too large or a same-named one, or one too many."""
    check_photo_name(name)
    shown = re.split(r"[\\/]", name)[-1]
    if len(data) > MAX_IMAGE_BYTES:
        raise Refused(413, f"照片“{shown}”有 {len(data) / _MB:.1f} MB，超过每张 {MAX_IMAGE_BYTES // _MB} MB 的上限。"
                           "请压缩照片后再上传。")
    key = photo_key(name)
    if key in photos:
        raise Refused(422, f"有两张照片都叫“{shown}”。照片按文件名与填报表“图片文件”列对应，请给它们不同的文件名。")
    if len(photos) >= MAX_PHOTOS:
        raise Refused(413, f"一次最多上传 {MAX_PHOTOS} 张照片。请只上传填报表案例中用到的照片。")
    if sum(len(d) for _, d in photos.values()) + len(data) > MAX_PHOTOS_BYTES:
        raise Refused(413, f"照片合计超过 {MAX_PHOTOS_BYTES // _MB} MB。请压缩照片后再上传。")
    photos[key] = (shown, data)


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the school saw it: zips made by Windows' own tool name members in GBK
    without saying so (read by Python as cp437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_zip(data: bytes) -> Sent:
    """The workbook and photos of a .zip (folders inside it do not matter; system files are skipped)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise Refused(422, "压缩包无法打开（可能已损坏，或不是 .zip 格式）。请重新压缩为 .zip 后上传，"
                           "或直接选择填报表和照片文件上传。") from None
    workbooks, photos = [], {}
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise Refused(413, f"压缩包中有 {len(members)} 个文件，太多了。压缩包里只放填报表和它的案例照片。")
        for info in members:
            name = _member_name(info)
            last = re.split(r"[\\/]", name)[-1]
            if name.startswith("__MACOSX/") or last.startswith((".", "~$")) or last.lower() in ("thumbs.db", "desktop.ini"):
                continue
            if info.flag_bits & 0x1:
                raise Refused(422, "压缩包设置了密码，无法读取。请去掉密码后重新压缩再上传。")
            limit = MAX_FILE_BYTES if last.lower().endswith(WORKBOOK_SUFFIXES) else MAX_IMAGE_BYTES
            if info.file_size > limit:
                raise Refused(413, f"压缩包中的“{last}”解压后超过 {limit // _MB} MB，无法接收。")
            try:
                with archive.open(info) as member:
                    content = member.read(limit + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                raise Refused(422, f"压缩包中的“{last}”无法解压（压缩包可能已损坏）。请重新压缩后上传。") from None
            if len(content) > limit:
                raise Refused(413, f"压缩包中的“{last}”解压后超过 {limit // _MB} MB，无法接收。")
            if last.lower().endswith(WORKBOOK_SUFFIXES):
                workbooks.append((last, content))
            else:
                add_photo(photos, name, content)
    if len(workbooks) != 1:
        found = "没有填报表" if not workbooks else f"有 {len(workbooks)} 个填报表（{'、'.join(n for n, _ in workbooks)}）"
        raise Refused(422, f"压缩包中{found}。压缩包里应当正好有一个填报表（.xlsx）和它的案例照片。")
    return Sent(workbooks[0][1], photos)


def place(folder: Path, result: CheckResult, photos: dict[str, tuple[str, bytes]]) -> list[str]:
    """Write into ``folder`` (where the checked workbook is staged) each sent photo that a case's
    图片文件 cell names but the check did not find; the names placed, as the cells give them."""
    missing = [p for p in result.problems if p.code == "image-not-found" and p.cell]
    if not photos or not missing:
        return []
    from openpyxl.utils.cell import coordinate_to_tuple

    from vqr_author.workbook.xlsx import read_grids

    grids = read_grids(result.path)
    placed: list[str] = []
    for problem in missing:
        grid = grids.get(problem.sheet)
        reference = str(grid.value(*coordinate_to_tuple(problem.cell)) or "").strip() if grid else ""
        sent = photos.get(photo_key(reference)) if reference_ok(reference) else None
        if sent is not None and reference not in placed:
            target = folder / reference.replace("\\", "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(sent[1])
            placed.append(reference)
    return placed


def with_earlier(photos: dict[str, tuple[str, bytes]], earlier: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """The photos sent, completed by those kept with the school's earlier versions (by the 图片文件
    text that named each): a photo sent again replaces the earlier one of the same name."""
    found = {photo_key(reference): (PurePosixPath(reference.replace("\\", "/")).name, data)
             for reference, data in earlier.items()}
    return {**found, **photos}


def reused(photos: dict[str, tuple[str, bytes]], placed: list[str]) -> list[str]:
    """The placed photos that were not sent but taken from an earlier version."""
    return [reference for reference in placed if photo_key(reference) not in photos]


def missing_in_one(problems: list[Problem]) -> list[Problem]:
    """The photos named by cases but neither sent nor kept with an earlier version, as one error
    naming each photo and its cell (a school fixes them together: send the photos, or clear the cells)."""
    missing = [p for p in problems if p.code == "image-not-found"]
    if not missing:
        return problems
    named = "、".join(f"“{_named_photo(p)}”（{p.sheet}!{p.cell}）" if p.cell else f"“{_named_photo(p)}”" for p in missing)
    grouped = replace(missing[0], message=(
        f"找不到 {len(missing)} 张案例照片：{named}。上传时没有一起发来，以前上传的版本中也没有同名的照片。请在上传填报表时同时选择"
        "这些照片文件（或上传装有填报表和照片的 .zip 压缩包），照片按文件名与“图片文件”一格对应；不需要照片时，"
        "删去这些格中的图片文件名后重新上传。"))
    at = problems.index(missing[0])
    return [*problems[:at], grouped, *(p for p in problems[at + 1:] if p.code != "image-not-found")]


def _named_photo(problem: Problem) -> str:
    return problem.message.split("“", 1)[1].split("”", 1)[0] if "“" in problem.message else ""


def unused(photos: dict[str, tuple[str, bytes]], placed: list[str]) -> list[str]:
    """The sent photos no case names (not kept), by the name they were sent under."""
    used = {photo_key(r) for r in placed}
    return [shown for key, (shown, _) in photos.items() if key not in used]
