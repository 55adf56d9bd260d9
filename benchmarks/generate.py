"""N synthetic but realistic school workbooks for the benchmarks.

Sizes like the sample: 15 专业, 10 cases with photos (JPEG photos of realistic size, ~0.3–0.5 MB),
~50 paragraphs, every annex table filled. Built with sample_inputs/synth.py, so each workbook is
internally consistent and passes `vqr check`. Like a workbook a school saved in Excel or WPS, the
text is kept in a shared string table (openpyxl itself writes every string inline in the sheet).

    python benchmarks/generate.py 20 目标文件夹
"""

from __future__ import annotations

import io
import random
import re
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sample_inputs"))
sys.path.insert(0, str(ROOT))

from synth import MAJOR_POOL, SchoolSpec, save, school_workbook  # noqa: E402

from vqr_author.edition import load_edition  # noqa: E402

PHOTOS = 10


def photo(path: Path, seed: int) -> None:
    """A 1600×1067 JPEG with the texture of a real photograph (so it compresses like one)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = 1600, 1067
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    base = Image.new("RGB", (width, height), tuple(rng.randint(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(base)
    for _ in range(60):
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.rectangle([x, y, x + rng.randint(40, 400), y + rng.randint(40, 300)],
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))
    image = Image.blend(base.filter(ImageFilter.GaussianBlur(3)), noise, 0.25)
    image.save(path, quality=85)


_INLINE = re.compile(rb'(<c [^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'


def as_saved_by_excel(path: Path) -> None:
    """Move the inline strings of every sheet into xl/sharedStrings.xml, as Excel and WPS save them."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return match.group(1) + b't="s"' + match.group(2) + b"><v>%d</v></c>" % index

    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    for name in parts:
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = _INLINE.sub(shared, parts[name])
    items = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % text for text in strings)
    parts["xl/sharedStrings.xml"] = SST % (len(strings), len(strings), items)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def generate(count: int, folder: Path, offset: int = 0) -> list[Path]:
    edition = load_edition()
    text = yaml.safe_load((ROOT / "sample_inputs" / "sample_text.yaml").read_text(encoding="utf-8"))
    cases = [dict(case) for case in text["cases"]]
    cases.append(dict(cases[0], title="校企共建实训基地，提升学生岗位能力"))
    for i, case in enumerate(cases):
        case["image"], case["caption"] = f"照片/照片{i + 1}.jpg", case.get("caption") or case["title"][:16]
    text = {**text, "cases": cases}
    (folder / "照片").mkdir(parents=True, exist_ok=True)
    for i in range(PHOTOS):
        target = folder / "照片" / f"照片{i + 1}.jpg"
        if not target.exists():
            photo(target, i)
    codes = tuple(code for code, _ in MAJOR_POOL[:15])
    paths = []
    for n in range(offset, offset + count):
        spec = SchoolSpec(f"北京市基准测试第{n + 1}职业学校", f"42{n:08d}", "北京市测试区", "公办", 1000 + n, codes,
                          cases=tuple(range(PHOTOS)))
        path = save(school_workbook(edition, spec, text), folder / f"学校{n + 1:04d}.xlsx")
        as_saved_by_excel(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("benchmark-workbooks")
    for path in generate(count, target):
        print(path)
