"""Measure the tool side by side with a bare docxtpl render, in one run, and print the ratios.

    python benchmarks/run.py [--n 200] [--runs 5] [--json benchmarks/results.json]

1. End-to-end render of one school (load + validate + compute + render + save), median of --runs,
   and in the same run a bare docxtpl render of the same template with the same, already computed
   context (tables built; the native charts add their parts as they are rendered, in both): their
   ratio is the tool's overhead.
2. The end-to-end time split by stage.
3. `vqr batch` over N workbooks with 1 worker and with all cores: throughput and scaling.
4. An incremental re-run: `vqr batch` again after one school changed one number, in seconds and as
   a fraction of the full all-core batch. Its cost is mostly fixed (starting Python, the imports, one
   render), so the fraction falls as N grows; the default N is a city office's batch.
5. Peak RSS of the largest worker, in a batch of N and in one of 4N workbooks.
6. `vqr check` time per workbook, as a fraction of the render.

Timings are medians of repeated runs on this machine; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The tool's own cost: LibreOffice's layout pass for the 目录 page numbers (seconds per report, see
# docs/cli.md) is left out here, in this process and the batches it starts.
os.environ["VQR_PAGE_NUMBERS"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from vqr_author import check_workbook, render_report  # noqa: E402
from vqr_author.compute import build_report, school_source  # noqa: E402
from vqr_author.render import default_template  # noqa: E402
from vqr_author.render.context import build_context  # noqa: E402
from vqr_author.render.docx import new_template, save_docx  # noqa: E402
from vqr_author.validate import validate  # noqa: E402
from vqr_author.workbook import load_workbook  # noqa: E402

TARGETS = {"overhead": 1.3, "scaling_2_cores": 1.7, "incremental_fraction": 0.05, "worker_rss_mb": 250,
           "check_fraction": 0.10}


def median_seconds(action, runs: int) -> float:  # noqa: ANN001
    action()  # warm up: imports, caches, first-touch costs are not what a batch pays per workbook
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bare_docxtpl(context_factory, template: Path) -> None:  # noqa: ANN001
    """What any docxtpl user pays: open the template, render the prepared context, save."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render(context_factory(tpl), autoescape=True)
    tpl.save(io.BytesIO())


def stages(workbook: Path, template: Path, runs: int) -> dict[str, float]:
    """The end-to-end render split by stage (each stage timed on its own, median of runs); the
    charts' parts are written during the render."""
    timings: dict[str, list[float]] = {k: [] for k in ("load", "validate", "compute", "render", "save")}
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        book, edition, problems = load_workbook(workbook)
        t1 = time.perf_counter()
        report = build_report(edition, school_source(edition, book))
        t2 = time.perf_counter()
        validate(edition, book, report.indicators, report.records)
        t3 = time.perf_counter()
        tpl = new_template(template)
        tpl.render(build_context(report, tpl), autoescape=True, jinja_env=tpl.jinja_env)
        t4 = time.perf_counter()
        save_docx(tpl)
        t5 = time.perf_counter()
        for key, value in zip(timings, (t1 - t0, t3 - t2, t2 - t1, t4 - t3, t5 - t4)):
            value and timings[key].append(value)
    return {k: statistics.median(v[1:]) for k, v in timings.items()}


def batch_run(folder: Path, out: Path, jobs: int, force: bool = True) -> tuple[float, float]:
    """`vqr batch` in a fresh process, as a user runs it: (seconds, peak RSS in MB of its largest worker)."""
    script = (
        "import resource, sys, time\n"
        "started = time.perf_counter()\n"
        "from vqr_author.cli import main\n"
        "sys.argv = ['vqr', 'batch', sys.argv[1], '-o', sys.argv[2], '--jobs', sys.argv[3], *sys.argv[4:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    args = [str(folder), str(out), str(jobs), *(["--force"] if force else [])]
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    seconds, rss_kb = done.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(rss_kb) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="workbooks in the batch measurements")
    parser.add_argument("--runs", type=int, default=5, help="repetitions for the medians")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    template = default_template()
    with tempfile.TemporaryDirectory(prefix="vqr-bench-") as tmp:
        folder = Path(tmp) / "学校"
        paths = generate(args.n, folder)
        workbook = paths[0]
        out = Path(tmp) / "报告.docx"

        end_to_end = median_seconds(lambda: render_report(workbook, out), args.runs)
        report = check_workbook(workbook).report
        bare = median_seconds(lambda: bare_docxtpl(lambda tpl: build_context(report, tpl), template), args.runs)
        split = stages(workbook, template, args.runs)
        check = median_seconds(lambda: check_workbook(workbook), args.runs)

        one, rss_n = batch_run(folder, Path(tmp) / "out1", 1)
        many, _ = batch_run(folder, Path(tmp) / "outN", cores)
        import openpyxl

        wb = openpyxl.load_workbook(paths[1])  # a school fixes one number
        wb["指标"]["F6"].value = (wb["指标"]["F6"].value or 0) + 1
        wb.save(paths[1])
        incremental, _ = batch_run(folder, Path(tmp) / "outN", cores, force=False)

        generate(3 * args.n, folder, offset=args.n)
        _, rss_4n = batch_run(folder, Path(tmp) / "out4N", cores)
    results = {
        "machine": {"cpus": cores, "python": platform.python_version(), "platform": platform.platform()},
        "n": args.n,
        "runs": args.runs,
        "render_seconds": round(end_to_end, 3),
        "bare_docxtpl_seconds": round(bare, 3),
        "overhead": round(end_to_end / bare, 2),
        "stages_seconds": {k: round(v, 3) for k, v in split.items()},
        "batch_1_worker_per_second": round(args.n / one, 2),
        f"batch_{cores}_workers_per_second": round(args.n / many, 2),
        "scaling": round(one / many, 2),
        "incremental_seconds": round(incremental, 2),
        "incremental_fraction": round(incremental / many, 3),
        "worker_rss_mb": {"n": round(rss_n), "4n": round(rss_4n)},
        "check_seconds": round(check, 3),
        "check_fraction": round(check / end_to_end, 3),
        "targets": TARGETS,
    }
    print_table(results, cores)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def print_table(r: dict, cores: int) -> None:
    rows = [
        ("end-to-end render, one school", f"{r['render_seconds']:.3f} s", ""),
        ("bare docxtpl render, same template and context", f"{r['bare_docxtpl_seconds']:.3f} s", ""),
        ("overhead (render ÷ bare docxtpl)", f"{r['overhead']:.2f}×", f"≤ {TARGETS['overhead']}×"),
        *((f"  stage: {k}", f"{v:.3f} s", "") for k, v in r["stages_seconds"].items()),
        ("batch, 1 worker", f"{r['batch_1_worker_per_second']:.2f} workbooks/s", ""),
        (f"batch, {cores} workers", f"{r[f'batch_{cores}_workers_per_second']:.2f} workbooks/s", ""),
        (f"scaling ({cores} workers ÷ 1)", f"{r['scaling']:.2f}×", f"≥ {TARGETS['scaling_2_cores']}× (2 cores)"),
        ("incremental re-run after one change", f"{r['incremental_seconds']:.2f} s = {r['incremental_fraction']:.1%} of full",
         f"≤ {TARGETS['incremental_fraction']:.0%}"),
        ("worker peak RSS, N → 4N", f"{r['worker_rss_mb']['n']} → {r['worker_rss_mb']['4n']} MB", f"≤ {TARGETS['worker_rss_mb']} MB, flat"),
        ("check, per workbook", f"{r['check_seconds']:.3f} s = {r['check_fraction']:.1%} of render", f"≤ {TARGETS['check_fraction']:.0%}"),
    ]
    width = max(len(a) for a, _, _ in rows)
    print(f"\nvqr_author benchmark — N = {r['n']}, median of {r['runs']} runs, {r['machine']['cpus']} CPUs, Python {r['machine']['python']}")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<34}{target}")


if __name__ == "__main__":
    raise SystemExit(main())
