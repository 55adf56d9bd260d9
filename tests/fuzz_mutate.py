"""Mutate the sample workbook N times and count unhandled exceptions (target: 0).

    python tests/fuzz_mutate.py --runs 10000 [--seed 1] [--jobs 2] [--render-every 10]

Not part of the default test run (it takes a while). Each run mutates either the raw bytes of the
.xlsx or, more often, the XML of one part inside it (so the damage reaches openpyxl and the loader,
not only the zip layer), then calls check_workbook — and for every N-th readable result also
render_report(draft=True). Any exception other than the tool's own user-facing errors (VqrError) is
an unhandled exception: it is counted, and the first few are written out with their traceback.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vqr_author import check_workbook, render_report  # noqa: E402
from vqr_author.errors import VqrError  # noqa: E402

SAMPLE_DIR = ROOT / "sample_inputs" / "school"
SAMPLE = SAMPLE_DIR / "海川职业学校.xlsx"
SNIPPETS = [b"<", b">", b"/>", b"\"", b"&amp;", b"&#0;", b"_x0001_", b"<c r=\"A1\"><v>1</v></c>", b"<row r=\"2\">",
            b"</row>", b"t=\"s\"", b"t=\"b\"", b"t=\"e\"", b"t=\"inlineStr\"", b"s=\"999\"", b"r=\"XFD1048576\"",
            b"<f>SUM(A1:A9)</f>", b"<v>1e308</v>", b"<v>NaN</v>", b"<v>-0</v>", b"\xff\xfe", b"\xe4\xb8",
            b"<mergeCell ref=\"A1:Z99\"/>", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"numFmtId=\"9\"", b"9" * 40]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randrange(len(data)) if data else 0
        if op < 0.4 and data:
            data[pos] = rng.randrange(256)
        elif op < 0.6:
            data[pos:pos] = rng.choice(SNIPPETS)
        elif op < 0.8 and data:
            del data[pos:pos + rng.randint(1, 64)]
        else:
            start = rng.randrange(len(data)) if data else 0
            data[pos:pos] = data[start:start + rng.randint(1, 256)]
    return bytes(data)


def mutate_xml_part(original: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        parts = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    index = rng.randrange(len(parts))
    name, data = parts[index]
    parts[index] = (name, mutate_bytes(data, rng))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if rng.random() < 0.01:
                continue  # now and then a part goes missing altogether
            zf.writestr(name, data)
    return out.getvalue()


def one_run(task: tuple[int, int, int]) -> tuple[str, str | None]:
    """Returns (outcome, traceback or None)."""
    seed, render_every, index = task
    rng = random.Random(seed)
    original = SAMPLE.read_bytes()
    data = mutate_xml_part(original, rng) if rng.random() < 0.85 else mutate_bytes(original, rng)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(SAMPLE_DIR / "照片", folder / "照片")
        path = folder / "变异.xlsx"
        path.write_bytes(data)
        try:
            result = check_workbook(path)
            outcome = "checked, errors" if result.errors else "checked, clean"
            if index % render_every == 0:
                render_report(path, folder / "报告.docx", draft=True)
                outcome += " + rendered"
            return outcome, None
        except VqrError as exc:
            return f"refused ({type(exc).__name__})", None
        except Exception:  # noqa: BLE001 — this is what the fuzzer is here to find
            return "UNHANDLED", f"seed {seed}\n{traceback.format_exc()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--render-every", type=int, default=10)
    parser.add_argument("--report", type=Path, default=Path("fuzz-failures.txt"))
    args = parser.parse_args()
    tasks = [(args.seed * 1_000_003 + i, args.render_every, i) for i in range(args.runs)]
    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for n, (outcome, failure) in enumerate(pool.map(one_run, tasks, chunksize=20), start=1):
            outcomes[outcome] += 1
            if failure:
                failures.append(failure)
            if n % 500 == 0:
                print(f"{n}/{args.runs} … unhandled so far: {len(failures)}", flush=True)
    elapsed = time.perf_counter() - started
    print(f"\n{args.runs} mutations of {SAMPLE.name} in {elapsed:.0f} s (seed {args.seed}, {args.jobs} processes)")
    for outcome, count in outcomes.most_common():
        print(f"  {count:6d}  {outcome}")
    print(f"unhandled exceptions: {len(failures)}")
    if failures:
        args.report.write_text("\n\n".join(failures[:50]), encoding="utf-8")
        print(f"first {min(50, len(failures))} written to {args.report}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
