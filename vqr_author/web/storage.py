"""The data folder: where every stored file lives. Every name is made here from database ids, never
from anything a user typed or uploaded (the one exception, case photos, are placed where the stored
workbook's own 图片文件 cells say, inside the version's folder: see web.photos); every file is written atomically (temporary file, flushed,
then os.replace), so a crash leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from vqr_author.output import write_atomic

RESERVED = frozenset({"pdf"})  # our own folders inside a version's folder (a photo may not be placed there)

@dataclass(frozen=True)
class Store:
    data: Path

    def prepare(self) -> None:
        for folder in (self.data, self.files, self.data / "cache"):
            folder.mkdir(parents=True, exist_ok=True)

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

    def photo(self, submission_id: int, reference: str) -> Path:
        """Where the case photo that the version's workbook names ``reference`` is kept (beside the
        workbook, as the command line finds it); ``reference`` was checked by photos.reference_ok."""
        folder = self.submission(submission_id)
        path = (folder / reference.strip().replace("\\", "/")).resolve()
        assert path.is_relative_to(folder.resolve()) and path.relative_to(folder.resolve()).parts[0] not in RESERVED
        return path

    def photos(self, submission_id: int) -> list[str]:
        """The case photos kept with a version, by the names its workbook gives them."""
        from vqr_author.web.photos import PHOTO_SUFFIXES

        folder = self.submission(submission_id)
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                      if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES and p.relative_to(folder).parts[0] not in RESERVED)

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
