"""Make the README's page images from the sample reports, as a reader sees them.

Renders the sample school and the sample district with --pdf (LibreOffice), finds the pages to show
by their text, turns them into images with poppler's pdftoppm and lays them out in a grid:

    python docs/build_page_images.py        # writes docs/images/学校报告-页面.png and 区县报告-页面.png
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from vqr_author import aggregate_report, render_report  # noqa: E402

SCHOOL = ROOT / "sample_inputs" / "school" / "海川职业学校.xlsx"
DISTRICT = ROOT / "sample_inputs" / "district"
# Each page is the first one after the page before it whose text (spaces removed) holds all its markers.
SCHOOL_PAGES = (("质量年度报告（2024年度）",), ("前言",), ("目录", "1.人才培养"), ("为破解中职学生",),
                ("分专业就业质量",), ("年分专业就业率与对口就业率",), ("2.服务贡献",), ("附表3",))
DISTRICT_PAGES = (("前言",), ("各学校主要指标",), ("年中等职业学校数",), ("排在校生人数前", "专业大类"))
WIDTH, GAP, BACKGROUND = 426, 10, (200, 200, 200)


def _pages(pdf: Path, wanted: tuple[tuple[str, ...], ...]) -> list[int]:
    texts = ["".join((page.extract_text() or "").split()) for page in PdfReader(str(pdf)).pages]
    found, start = [], 0
    for markers in wanted:
        number = next(i for i in range(start, len(texts)) if all(m in texts[i] for m in markers))
        found.append(number + 1)
        start = number + 1
    return found


def _image(pdf: Path, page: int, folder: Path) -> Image.Image:
    stem = folder / f"p{page}"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
                   check=True)
    image = Image.open(stem.with_suffix(".png")).convert("RGB")
    return image.resize((WIDTH, round(image.height * WIDTH / image.width)))


def _grid(images: list[Image.Image], columns: int) -> Image.Image:
    rows = -(-len(images) // columns)
    height = max(i.height for i in images)
    grid = Image.new("RGB", (columns * WIDTH + (columns + 1) * GAP, rows * height + (rows + 1) * GAP), BACKGROUND)
    for n, image in enumerate(images):
        grid.paste(image, (GAP + (n % columns) * (WIDTH + GAP), GAP + (n // columns) * (height + GAP)))
    return grid


def build(out_dir: Path = HERE / "images") -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        school = render_report(SCHOOL, folder / "学校.docx", pdf=True)
        district = aggregate_report(DISTRICT / "海川区.xlsx", sorted((DISTRICT / "学校").glob("*.xlsx")),
                                    folder / "区县.docx", pdf=True, history=DISTRICT / "历年")
        if school.pdf is None or district.pdf is None:
            raise SystemExit("没有生成 PDF（需要 LibreOffice）：" + "；".join([*school.notes, *district.notes]))
        written = []
        for pdf, wanted, name in ((school.pdf, SCHOOL_PAGES, "学校报告-页面.png"),
                                  (district.pdf, DISTRICT_PAGES, "区县报告-页面.png")):
            images = [_image(pdf, page, folder) for page in _pages(pdf, wanted)]
            target = out_dir / name
            _grid(images, 4).save(target, optimize=True)
            written.append(target)
        return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
