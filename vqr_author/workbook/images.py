"""Resolve a case's image name to a file inside the workbook's folder, and check it is a usable image."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo; beyond is a decompression bomb, not a photo
FORMATS = {"PNG", "JPEG", "GIF", "BMP"}  # what Word displays everywhere
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

ImageProblem = tuple[str, str]  # (problem code, message)


def resolve_image(name: str, folder: Path) -> tuple[Path | None, tuple[int, int] | None, ImageProblem | None]:
    """Return (path, pixel size) of the image, or the reason it cannot be used. Never reads outside ``folder``."""
    name = name.strip()
    if _URL.match(name):
        return None, None, ("image-outside-folder",
                            f"图片“{name}”是网址。工具不会下载网络图片；请把图片文件保存到填报表所在文件夹，这里只写文件名。")
    relative = Path(name.replace("\\", "/"))
    if relative.is_absolute() or re.match(r"^[a-zA-Z]:", name):
        return None, None, ("image-outside-folder",
                            f"图片“{name}”是绝对路径。请把图片放到填报表所在文件夹（或其子文件夹），这里只写相对路径，例如 照片/案例1.jpg。")
    base = folder.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base):
        return None, None, ("image-outside-folder",
                            f"图片“{name}”指向填报表所在文件夹之外。请把图片放到填报表所在文件夹（或其子文件夹）中。")
    if not candidate.is_file():
        return None, None, ("image-not-found",
                            f"找不到图片“{name}”（在 {base} 中查找）。请检查文件名（含扩展名）和图片是否与填报表放在一起。")
    size = candidate.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, None, ("image-too-large",
                            f"图片“{name}”有 {size / 1024 / 1024:.1f} MB，超过上限 {MAX_IMAGE_BYTES // 1024 // 1024} MB。请压缩图片后再试。")
    try:
        pixels = _decode(candidate)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, None, ("image-not-an-image",
                            f"“{name}”不是可用的图片文件（支持 PNG、JPEG、GIF、BMP，且不超过 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素）。"
                            "请用图片软件另存为 JPG 或 PNG。")
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError, MemoryError):
        return None, None, ("image-not-an-image", f"图片“{name}”已损坏，无法完整读取。请重新导出或另存该图片。")
    if pixels is None:
        return None, None, ("image-not-an-image", f"“{name}”的图片格式不受支持。请另存为 JPG 或 PNG。")
    return candidate, pixels, None


def _decode(path: Path) -> tuple[int, int] | None:
    """Check the image is whole (a truncated or forged file fails here, not in Word), cheaply:
    a PNG's chunk checksums, a JPEG's end-of-image marker; other formats are fully decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS
        try:
            with Image.open(path) as image:
                kind, size = image.format, image.size
                if kind not in FORMATS:
                    return None
                if kind == "PNG":
                    image.verify()
                elif kind == "JPEG":
                    if not _tail(path).rstrip(b"\0").endswith(b"\xff\xd9"):
                        raise OSError("truncated JPEG")
                else:
                    image.load()
                return size
        finally:
            Image.MAX_IMAGE_PIXELS = previous


def _tail(path: Path, length: int = 65536) -> bytes:
    """The last bytes of a file (where a JPEG's end marker is, after any zero padding)."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - length))
        return fh.read()
