"""Resolve a case's image name to a file inside the workbook's folder, and check it is an image."""

from __future__ import annotations

import re
from pathlib import Path

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image

MAX_IMAGE_BYTES = 10 * 1024 * 1024
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

ImageProblem = tuple[str, str]  # (problem code, message)


def resolve_image(name: str, folder: Path) -> tuple[Path | None, ImageProblem | None]:
    """Return the image path, or the reason it cannot be used. Never reads outside ``folder``."""
    name = name.strip()
    if _URL.match(name):
        return None, ("image-outside-folder",
                      f"图片“{name}”是网址。工具不会下载网络图片；请把图片文件保存到填报表所在文件夹，这里只写文件名。")
    relative = Path(name.replace("\\", "/"))
    if relative.is_absolute() or re.match(r"^[a-zA-Z]:", name):
        return None, ("image-outside-folder",
                      f"图片“{name}”是绝对路径。请把图片放到填报表所在文件夹（或其子文件夹），这里只写相对路径，例如 照片/案例1.jpg。")
    base = folder.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base):
        return None, ("image-outside-folder",
                      f"图片“{name}”指向填报表所在文件夹之外。请把图片放到填报表所在文件夹（或其子文件夹）中。")
    if not candidate.is_file():
        return None, ("image-not-found",
                      f"找不到图片“{name}”（在 {base} 中查找）。请检查文件名（含扩展名）和图片是否与填报表放在一起。")
    size = candidate.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, ("image-too-large",
                      f"图片“{name}”有 {size / 1024 / 1024:.1f} MB，超过上限 {MAX_IMAGE_BYTES // 1024 // 1024} MB。请压缩图片后再试。")
    try:
        image = Image.from_file(str(candidate))
    except (UnrecognizedImageError, OSError, ValueError, IndexError, KeyError):
        return None, ("image-not-an-image",
                      f"“{name}”不是可用的图片文件（支持 PNG、JPEG、GIF、BMP）。请用图片软件另存为 JPG 或 PNG。")
    if not image.px_width or not image.px_height:
        return None, ("image-not-an-image", f"图片“{name}”已损坏（读不出尺寸）。请重新导出该图片。")
    return candidate, None
