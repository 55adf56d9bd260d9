"""The data folder: where every stored file lives. Every name is made here, from database ids or a
file's sha256, never from anything a user typed or uploaded; every file is written atomically
(temporary file, flushed, then os.replace), so a crash leaves either the old file or the new one,
never half of one.

Case photos are kept as ``photos/<sha256>.<ext>`` in their version's folder, with the map from the
workbook's 图片文件 cells to those names beside them (photos.json). The library finds a case's photo
beside the workbook, where its cell says; ``readable`` gives it that view of a stored version, in a
temporary folder of links, for as long as it reads it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vqr_author.digest import sha256
from vqr_author.output import write_atomic

PHOTO_MAP = "photos.json"  # beside a version's workbook: 图片文件 cell text → stored name
PHOTO_FOLDER = "photos"
_STORED_PHOTO = re.compile(r"^[0-9a-f]{64}\.(jpg|jpeg|png|gif|bmp)$")

@dataclass(frozen=True)
class Store:
    data: Path

    def __post_init__(self) -> None:
        """The folder as an absolute path from the start: every path made from it (for the worker
        processes, LibreOffice's profile URI, the database) then stays right whatever the working folder."""
        object.__setattr__(self, "data", Path(self.data).resolve())

    def prepare(self) -> None:
        for folder in (self.data, self.files, self.data / "cache"):
            folder.mkdir(parents=True, exist_ok=True)
        self.adopt_photos()

    def adopt_photos(self) -> None:
        """Versions stored by the first web app kept their photos where the workbook's cells said:
        each is moved under its sha256 with the map (once: the version then has its photos.json)."""
        from vqr_author.web.photos import PHOTO_SUFFIXES

        root = self.files / "submissions"
        for folder in sorted(root.iterdir()) if root.is_dir() else ():
            if not folder.name.isdigit() or (folder / PHOTO_MAP).exists():
                continue
            found = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*")
                     if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
                     and p.relative_to(folder).parts[0] not in ("pdf", PHOTO_FOLDER) and not p.name.startswith(".")}
            if not found:  # (a version stored since has its photos in photos/ and its map: never touched here)
                continue
            self.keep_photos(int(folder.name), {reference: path.read_bytes() for reference, path in found.items()})
            for path in found.values():
                path.unlink()
            for empty in sorted({p.parent for p in found.values()}, key=lambda p: -len(p.parts)):
                while empty != folder and not any(empty.iterdir()):
                    empty.rmdir()
                    empty = empty.parent

    @property
    def files(self) -> Path:
        return self.data / "files"

    def submission(self, submission_id: int) -> Path:
        folder = self.files / "submissions" / str(int(submission_id))
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def workbook(self, submission_id: int) -> Path:
        """The uploaded file; its name differs per version, so that the district report's problems
        can say which school each is about (see jobs.render_region)."""
        return self.submission(submission_id) / f"填报表-{int(submission_id)}.xlsx"

    def keep_photos(self, submission_id: int, photos: dict[str, bytes]) -> None:
        """Keep a version's case photos (by the 图片文件 cell that names each) under their sha256."""
        folder = self.submission(submission_id)
        names = {}
        for reference, data in photos.items():
            names[reference] = sha256(data) + Path(reference).suffix.lower()
            self.put(folder / PHOTO_FOLDER / names[reference], data)
        self.put(folder / PHOTO_MAP, json.dumps(names, ensure_ascii=False, indent=1).encode("utf-8"))

    def photos(self, submission_id: int) -> list[str]:
        """The case photos kept with a version, by the names its workbook gives them."""
        return sorted(_photo_map(self.submission(submission_id)))

    def kept_photos(self, *submission_ids: int) -> dict[str, bytes]:
        """The case photos kept with these versions (newest first): 图片文件 cell text → the photo's
        bytes, each name from the first version that kept it (for reuse by the school's next version,
        which may be uploaded without them)."""
        found: dict[str, bytes] = {}
        for submission_id in submission_ids:
            folder = self.submission(submission_id)
            for reference, name in _photo_map(folder).items():
                if reference not in found and (folder / PHOTO_FOLDER / name).is_file():
                    found[reference] = (folder / PHOTO_FOLDER / name).read_bytes()
        return found

    def annotated(self, submission_id: int) -> Path:
        return self.submission(submission_id) / "annotated.xlsx"

    def report(self, submission_id: int) -> Path:
        return self.submission(submission_id) / "report.docx"

    def pdf(self, submission_id: int) -> Path:
        return self.submission(submission_id) / "pdf" / "report.pdf"

    def pages(self, submission_id: int) -> list[Path]:
        """The page images of the PDF preview, in page order."""
        folder = self.pdf(submission_id).parent / "pages"
        return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])) if folder.is_dir() else []

    def region(self, region_id: int) -> Path:
        folder = self.files / "region" / str(int(region_id))
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "region.xlsx"

    def district_report(self, job_id: int) -> Path:
        folder = self.files / "district" / str(int(job_id))
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "report.docx"

    def cache(self, name: str) -> Path:
        assert "/" not in name and not name.startswith(".")  # our own fixed names only
        return self.data / "cache" / name

    def put(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)

    def secret(self) -> bytes:
        """The key that signs the forms' CSRF tokens, made once per data folder."""
        path = self.data / "secret.key"
        if not path.is_file():
            self.put(path, secrets.token_hex(32).encode())
        return path.read_bytes().strip()


def _photo_map(folder: Path) -> dict[str, str]:
    """A version's photos: 图片文件 cell text → stored name (only names of ours; none without a map)."""
    path = folder / PHOTO_MAP
    names = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {reference: name for reference, name in names.items() if _STORED_PHOTO.match(name)}


@contextmanager
def readable(workbook: Path) -> Iterator[Path]:
    """A stored version's workbook as the library reads it, its case photos beside it where its
    图片文件 cells say: links (copies where the file system has none) in a temporary folder, removed
    afterwards. A version without photos is read where it is."""
    from vqr_author.web.photos import reference_ok

    names = _photo_map(workbook.parent)
    if not names:
        yield workbook
        return
    view = Path(tempfile.mkdtemp(prefix=".view-", dir=workbook.parent))
    try:
        _link(workbook, view / workbook.name)
        for reference, name in names.items():
            if reference_ok(reference):  # checked when it was stored, and again before it names a path
                target = view / reference.strip().replace("\\", "/")
                target.parent.mkdir(parents=True, exist_ok=True)
                _link(workbook.parent / PHOTO_FOLDER / name, target)
        yield view / workbook.name
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
