"""N synthetic but realistic school workbooks for the benchmarks.

Sizes like the sample: 15 专业, 10 cases with photos (JPEG photos of realistic size, ~0.3–0.5 MB),
~50 paragraphs, every annex table filled. Built with sample_inputs/synth.py, so each workbook is
internally consistent and passes `vqr check`.

    python benchmarks/generate.py 20 目标文件夹
"""

from __future__ import annotations

import random
import sys
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
        paths.append(save(school_workbook(edition, spec, text), folder / f"学校{n + 1:04d}.xlsx"))
    return paths


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("benchmark-workbooks")
    for path in generate(count, target):
        print(path)
