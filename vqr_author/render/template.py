"""Locate the Word template: bundled in the wheel, or in the repository's templates/ folder."""

from __future__ import annotations

from pathlib import Path

from vqr_author.errors import TemplateError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CANDIDATE_DIRS = (PACKAGE_DIR / "_templates", PACKAGE_DIR.parent / "templates")


def default_template(name: str = "report.docx") -> Path:
    for folder in CANDIDATE_DIRS:
        path = folder / name
        if path.is_file():
            return path
    raise TemplateError(f"找不到报告模板 {name}。安装可能不完整，请重新安装 vqr_author。")


def check_template(path: Path) -> Path:
    if not path.is_file():
        raise TemplateError(f"找不到报告模板“{path}”。请检查 --template 后的文件路径。")
    return path
