"""Measure the tool side by side with a bare docxtpl render, in one run, and print the ratios.

    python benchmarks/run.py [--n 40] [--runs 5] [--json benchmarks/results.json]

1. Fixed cost, as a user meets it (each a fresh process, timed from outside, median of --runs):
   `vqr render` of the sample school, `vqr --help`, and next to them their floors — starting
   Python (`python -c pass`) and importing docxtpl, which any program rendering a .docx with it pays.
   The tool keeps the validated edition and the compiled templates in its cache folder (its own
   temporary one here): `vqr render` is measured with it filled, as every run after the first
   finds it, and with it empty, as the first run after installing or changing the edition does.
2. End-to-end render of one school in a warm process (load + validate + compute + render + save),
   and in the same run a bare docxtpl render of the same template with the same, already computed
   context (tables built; the native charts add their parts as they are rendered, in both): their
   ratio is the tool's overhead.
3. The end-to-end time split by stage.
4. `vqr batch` over N workbooks with 1 worker and with all cores: throughput and scaling.
5. A no-change re-run (`vqr batch` again, nothing changed) and an incremental re-run (one school
   changed one number), in seconds and as a fraction of the full all-core batch. Their cost is
   mostly fixed (starting Python, the imports, reading and writing the manifest and 汇总.xlsx; the
   incremental one renders one school), so the fraction falls as N grows.
6. Peak RSS of the largest worker, in a batch of N and in one of 4N workbooks.
7. `vqr check` time per workbook, as a fraction of the render.

The machine's load average is printed with the results: on a shared machine every figure, and the
scaling most of all, moves with what else runs. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
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

TARGETS = {"render_process": 0.6, "help_process": 0.3, "overhead": 1.3, "scaling_2_cores": 1.7,
           "no_change_fraction": 0.08, "worker_rss_mb": 250, "check_fraction": 0.10}
SAMPLE = ROOT / "sample_inputs" / "school" / "海川职业学校.xlsx"
VQR = "from vqr_author.cli import main; main()"  # `vqr …` as the installed script runs it


def median_seconds(action, runs: int) -> float:  # noqa: ANN001
    action()  # warm up: imports, caches, first-touch costs are not what a batch pays per workbook
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def process_seconds(args: list[str], runs: int, empty_cache: bool = False) -> tuple[float, float]:
    """A fresh ``python <args>`` process, start to exit, timed from outside: (wall, CPU) seconds, medians.
    On an idle machine the two are about equal (one thread); on a busy one the wall time includes
    the wait for a core, the CPU time does not. With ``empty_cache`` each run gets a new, empty
    cache folder."""
    walls, cpus = [], []
    subprocess.run([sys.executable, *args], capture_output=True, check=True)  # warm up: disk cache, .pyc files
    for _ in range(runs):
        empty = tempfile.TemporaryDirectory(prefix="vqr-bench-cache-")
        env = {**os.environ, "VQR_CACHE_DIR": empty.name} if empty_cache else None
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, check=True, env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        empty.cleanup()
    return statistics.median(walls), statistics.median(cpus)


def fixed_costs(runs: int, folder: Path) -> dict[str, tuple[float, float]]:
    """`vqr render` of the sample and `vqr --help` as new processes, and their floors."""
    render = ["-c", VQR, "render", str(SAMPLE), "-o", str(folder / "样例.docx")]
    return {
        "python_start": process_seconds(["-c", "pass"], runs),
        "import_docxtpl": process_seconds(["-c", "import docxtpl"], runs),
        "render_process": process_seconds(render, runs),
        "render_process_empty_cache": process_seconds(render, runs, empty_cache=True),
        "help_process": process_seconds(["-c", VQR, "--help"], runs),
    }


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
    """`vqr batch` in a fresh process, as a user runs it, timed from outside: (seconds, peak RSS in MB
    of its largest worker)."""
    script = (
        "import resource, sys\n"
        "from vqr_author.cli import main\n"
        "sys.argv = ['vqr', 'batch', sys.argv[1], '-o', sys.argv[2], '--jobs', sys.argv[3], *sys.argv[4:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    args = [str(folder), str(out), str(jobs), *(["--force"] if force else [])]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="workbooks in the batch measurements")
    parser.add_argument("--runs", type=int, default=5, help="repetitions for the medians")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--fixed-only", action="store_true", help="measure only the fixed costs (a few seconds)")
    args = parser.parse_args()
    # The tool's cache folder (validated edition, compiled templates) is the benchmark's own, so that a
    # run neither depends on nor fills the user's; its processes and batches inherit it.
    cache = tempfile.TemporaryDirectory(prefix="vqr-bench-cache-")  # removed when the benchmark ends
    os.environ["VQR_CACHE_DIR"] = cache.name
    if args.fixed_only:
        with tempfile.TemporaryDirectory(prefix="vqr-bench-") as tmp:
            load_before = os.getloadavg()
            fixed = fixed_costs(args.runs, Path(tmp))
        print_fixed(fixed, args.runs, [*load_before, *os.getloadavg()])
        return 0
    cores = os.cpu_count() or 1
    template = default_template()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="vqr-bench-") as tmp:
        fixed = fixed_costs(args.runs, Path(tmp))
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
        no_change = statistics.median(batch_run(folder, Path(tmp) / "outN", cores, force=False)[0] for _ in range(3))
        import openpyxl

        wb = openpyxl.load_workbook(paths[1])  # a school fixes one number
        wb["指标"]["F6"].value = (wb["指标"]["F6"].value or 0) + 1
        wb.save(paths[1])
        incremental, _ = batch_run(folder, Path(tmp) / "outN", cores, force=False)

        generate(3 * args.n, folder, offset=args.n)
        _, rss_4n = batch_run(folder, Path(tmp) / "out4N", cores)
    results = {
        "machine": {"cpus": cores, "python": platform.python_version(), "platform": platform.platform(),
                    "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())]},
        "n": args.n,
        "runs": args.runs,
        "fixed_seconds": {k: {"wall": round(wall, 3), "cpu": round(cpu, 3)} for k, (wall, cpu) in fixed.items()},
        "render_seconds": round(end_to_end, 3),
        "bare_docxtpl_seconds": round(bare, 3),
        "overhead": round(end_to_end / bare, 2),
        "stages_seconds": {k: round(v, 3) for k, v in split.items()},
        "batch_1_worker_per_second": round(args.n / one, 2),
        f"batch_{cores}_workers_per_second": round(args.n / many, 2),
        "scaling": round(one / many, 2),
        "no_change_seconds": round(no_change, 2),
        "no_change_fraction": round(no_change / many, 3),
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


FIXED_ROWS = (("render_process", "vqr render, one school, new process", f"≤ {TARGETS['render_process']} s"),
              ("render_process_empty_cache", "  the same, first run (empty cache folder)", ""),
              ("help_process", "vqr --help, new process", f"≤ {TARGETS['help_process']} s"),
              ("python_start", "  floor: python -c pass", ""),
              ("import_docxtpl", "  floor: python -c 'import docxtpl'", ""))


def _fixed_rows(fixed: dict) -> list[tuple[str, str, str]]:
    return [(name, f"{fixed[key]['wall']:.3f} s (CPU {fixed[key]['cpu']:.3f} s)", target) for key, name, target in FIXED_ROWS]


def print_fixed(fixed: dict[str, tuple[float, float]], runs: int, load: list[float]) -> None:
    rows = _fixed_rows({k: {"wall": wall, "cpu": cpu} for k, (wall, cpu) in fixed.items()})
    width = max(len(a) for a, _, _ in rows)
    print(f"\nvqr_author fixed costs — median of {runs} runs, Python {platform.python_version()}, "
          f"load average {load[0]:.1f} before, {load[3]:.1f} after")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<34}{target}")


def print_table(r: dict, cores: int) -> None:
    rows = [
        *_fixed_rows(r["fixed_seconds"]),
        ("end-to-end render, one school, warm", f"{r['render_seconds']:.3f} s", ""),
        ("bare docxtpl render, same template and context", f"{r['bare_docxtpl_seconds']:.3f} s", ""),
        ("overhead (render ÷ bare docxtpl)", f"{r['overhead']:.2f}×", f"≤ {TARGETS['overhead']}×"),
        *((f"  stage: {k}", f"{v:.3f} s", "") for k, v in r["stages_seconds"].items()),
        ("batch, 1 worker", f"{r['batch_1_worker_per_second']:.2f} workbooks/s", ""),
        (f"batch, {cores} workers", f"{r[f'batch_{cores}_workers_per_second']:.2f} workbooks/s", ""),
        (f"scaling ({cores} workers ÷ 1)", f"{r['scaling']:.2f}×", f"≥ {TARGETS['scaling_2_cores']}× (2 cores)"),
        ("no-change re-run", f"{r['no_change_seconds']:.2f} s = {r['no_change_fraction']:.1%} of full",
         f"≤ {TARGETS['no_change_fraction']:.0%}"),
        ("incremental re-run after one change", f"{r['incremental_seconds']:.2f} s = {r['incremental_fraction']:.1%} of full",
         ""),
        ("worker peak RSS, N → 4N", f"{r['worker_rss_mb']['n']} → {r['worker_rss_mb']['4n']} MB", f"≤ {TARGETS['worker_rss_mb']} MB, flat"),
        ("check, per workbook", f"{r['check_seconds']:.3f} s = {r['check_fraction']:.1%} of render", f"≤ {TARGETS['check_fraction']:.0%}"),
    ]
    width = max(len(a) for a, _, _ in rows)
    load = r["machine"]["load_average"]
    print(f"\nvqr_author benchmark — N = {r['n']}, median of {r['runs']} runs, {r['machine']['cpus']} CPUs, "
          f"Python {r['machine']['python']}, load average {load[0]:.1f} before, {load[3]:.1f} after")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<34}{target}")


if __name__ == "__main__":
    raise SystemExit(main())
