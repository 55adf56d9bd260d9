"""The web app's PDF job for the sample school, cold and warm, side by side in one run.

cold: what the job did before (and what vqr render --pdf does): a new LibreOffice on a new profile.
warm: the job as vqr serve runs it, handed to the LibreOffice the server keeps running (KeptOffice).
Each round runs both, in alternating order, so both see the same machine load; the job is the whole
of what the page waits for: the Word report, the one LibreOffice pass (PDF and page numbers) and the
preview images.

    .venv/bin/python benchmarks/web_pdf.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vqr_author.output.pdf import KEPT_OFFICE_VARIABLE, KeptOffice, find_soffice
from vqr_author.web.jobs import render_pdf

SAMPLE = Path(__file__).resolve().parents[1] / "sample_inputs" / "school" / "海川职业学校.xlsx"


def timed(workbook: Path, folder: Path, kept: Path | None) -> float:
    if kept is None:
        os.environ.pop(KEPT_OFFICE_VARIABLE, None)
    else:
        os.environ[KEPT_OFFICE_VARIABLE] = str(kept)
    started = time.monotonic()
    outcome = render_pdf(str(workbook), str(folder))
    seconds = time.monotonic() - started
    if not outcome["ok"]:
        sys.exit(f"PDF 没有生成：{outcome['message']}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    soffice = find_soffice()
    if soffice is None:
        sys.exit("没有找到 LibreOffice（soffice），无法测量。")
    with tempfile.TemporaryDirectory(prefix="vqr-bench-pdf-") as tmp:
        office = KeptOffice(soffice, Path(tmp) / "office")
        office.ensure()
        try:
            render_pdf(str(SAMPLE), str(Path(tmp) / "first"))  # imports and fonts, as in a running server
            cold, warm = [], []
            for n in range(rounds):
                order = [(cold, None), (warm, office.profile)]
                for results, kept in order if n % 2 == 0 else reversed(order):
                    office.ensure()  # as the server does after each job
                    office.wait_ready(120)  # as between a school's clicks
                    results.append(timed(SAMPLE, Path(tmp) / f"{n}-{len(results)}-{kept is None}", kept))
        finally:
            office.stop()
    load = os.getloadavg()[0]
    print(f"网页版 PDF 任务（{SAMPLE.name}：Word 报告 + LibreOffice 排版一次 + 预览图片），{rounds} 轮，"
          f"{os.cpu_count()} 个 CPU，结束时负载 {load:.1f}")
    for name, results in (("冷启动（每次新的 LibreOffice）", cold), ("预热（常驻的 LibreOffice）", warm)):
        print(f"  {name}：中位数 {statistics.median(results):.1f} 秒（{'、'.join(f'{s:.1f}' for s in results)}）")


if __name__ == "__main__":
    main()
