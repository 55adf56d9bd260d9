"""Long work in worker processes: a school's report, its PDF and page images, the district report.

The job table is the queue: a request adds a row and returns at once; dispatcher threads of the
server take the oldest waiting job, run it in a process pool (so the pages never wait for it), and
write its outcome. A job that was running when the server stopped is queued again at the next
start, so nothing is silently lost; a job that fails says why in Chinese. While the server runs, a
LibreOffice is kept running for the PDFs (output.pdf.KeptOffice), so a PDF skips LibreOffice's start.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vqr_author.output.pdf import KEPT_OFFICE_VARIABLE, KeptOffice, find_soffice
from vqr_author.web.db import DONE, FAILED, QUEUED, RUNNING, Database, Job, RegionWorkbook, audit, now
from vqr_author.web.storage import Store, readable

POLL_SECONDS = 0.3
PAGE_IMAGES = 6  # pages shown in the preview; the whole report is in the PDF
INTERNAL = "处理时工具内部出错。请重新提交；如果再次出错，请把填报表发给技术支持。"


# -- the work itself (runs in a worker process; plain arguments, plain results) ------------------
def render_school(workbook: str, output: str) -> dict:
    from vqr_author import api

    with readable(Path(workbook)) as path:
        result = api.render_report(path, output)
    if not result.written:
        return {"ok": False, "message": f"填报表有 {len(result.check.errors)} 个错误，没有生成报告。"}
    return {"ok": True, "notes": result.notes}


def render_pdf(workbook: str, folder: str) -> dict:
    """The report laid out by LibreOffice (its 目录 with real page numbers) as PDF, and images of its
    first pages for the preview."""
    from vqr_author import api

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with readable(Path(workbook)) as path:
        result = api.render_report(path, target / "report.docx", pdf=True)
    if result.pdf is None:
        return {"ok": False, "message": "；".join(result.notes) or "没有生成 PDF。"}
    pages = target / "pages"
    fresh = Path(tempfile.mkdtemp(prefix="pages-", dir=target))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", str(PAGE_IMAGES), str(result.pdf), str(fresh / "page")],
                       check=False, capture_output=True, timeout=120)
        for image in fresh.glob("page-*.png"):  # pdftoppm pads the numbers (page-01); ours are plain
            image.rename(fresh / f"page-{int(image.stem.rsplit('-', 1)[1])}.png")
    shutil.rmtree(pages, ignore_errors=True)
    os.replace(fresh, pages)
    return {"ok": True, "notes": result.notes}


def render_region(region: str, schools: list[str], output: str, level: str, labels: dict[str, str],
                  earlier: list[str], left_out: dict[str, str] | None = None) -> dict:
    """The district (or city) report; ``labels`` name each stored file (填报表-7.xlsx → 学校代码 单位名称)
    in its problems. Its history: of the ``earlier`` approved versions (newest first), each school's
    newest of each year before the report's."""
    from vqr_author import api

    def named(text: str) -> str:
        for name, label in labels.items():
            text = text.replace(name, label)
        return text

    with ExitStack() as views:  # each school's workbook with its photos beside it
        schools = [str(views.enter_context(readable(Path(s)))) for s in schools]
        earlier = [str(views.enter_context(readable(Path(s)))) for s in earlier]
        result = api.aggregate_report(region, schools, output, level=level, history=_history(region, level, earlier),
                                      left_out=left_out)
    problems = [{k: named(v) for k, v in p.as_dict(with_file=True).items()} for p in result.problems]
    if not result.written:
        return {"ok": False, "message": f"汇总时发现 {len(result.errors)} 个错误，没有生成汇总报告。", "problems": problems}
    from vqr_author.web.desk import draft_note

    return {"ok": True, "notes": result.notes, "problems": problems, "message": draft_note(left_out or {})}


def _history(region: str, level: str, earlier: list[str]) -> list[str]:
    """Each school's newest approved workbook of each year before the region workbook's 报告年度."""
    from vqr_author import api
    from vqr_author.compute.report import report_years
    from vqr_author.compute.series import school_key
    from vqr_author.errors import VqrError

    def year_of(result: api.CheckResult) -> int | None:
        return report_years(result.book.cover_text(result.edition.cover_key("year", result.book.level))).this

    this = year_of(api.check_workbook(region, level=level))
    picked: dict[tuple[str, int], str] = {}
    for path in earlier:
        try:
            result = api.check_workbook(path)
        except VqrError:
            continue  # a stored version that cannot be read any more is no history
        year = year_of(result)
        if this is not None and year is not None and year < this:
            picked.setdefault((school_key(result.edition, result.book), year), path)
    return list(picked.values())


def _use_office(profile: str) -> None:
    """In each worker process: hand the PDFs to the kept LibreOffice (when there is one)."""
    if profile:
        os.environ[KEPT_OFFICE_VARIABLE] = profile


def _run(function_name: str, *args: object) -> dict:
    """Every failure of a job becomes a Chinese message (never a traceback on a page)."""
    from vqr_author.errors import VqrError, trace_note
    from vqr_author.quiet import quiet

    quiet()
    try:
        return globals()[function_name](*args)
    except VqrError as exc:
        return {"ok": False, "message": str(exc)}
    except Exception as exc:  # noqa: BLE001 — a job never takes the worker down
        note = trace_note(exc)
        return {"ok": False, "message": f"{INTERNAL}{note and f'（服务器上的{note[:-1]}）'}"}


# -- the dispatcher (in the server process) ------------------------------------------------------
class Worker:
    def __init__(self, db: Database, store: Store, processes: int = 1, warm_office: bool = True) -> None:
        self.db, self.store, self.processes = db, store, max(1, processes)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pool: ProcessPoolExecutor | None = None
        soffice = find_soffice() if warm_office else None
        self._office = KeptOffice(soffice, self.store.cache("libreoffice")) if soffice else None

    def requeue_interrupted(self) -> int:
        """Jobs left running by a stopped server go back to the queue (said in their progress)."""
        with self.db.transaction() as session:
            interrupted = session.scalars(select(Job).where(Job.state == RUNNING)).all()
            for job in interrupted:
                job.state, job.progress, job.updated = QUEUED, "服务曾中断，已重新排队。", now()
                audit(session, "系统", "重新排队", f"任务 {job.id}")
        return len(interrupted)

    def start(self) -> None:
        self.requeue_interrupted()
        if self._office is not None:
            self._office.ensure()
        self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_use_office,
                                         initargs=(str(self._office.profile) if self._office else "",))
        for n in range(self.processes):
            thread = threading.Thread(target=self._loop, name=f"vqr-job-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._office is not None:
            self._office.stop()

    def _claim(self) -> int | None:
        with self.db.transaction() as session:
            for job_id in session.scalars(select(Job.id).where(Job.state == QUEUED).order_by(Job.id).limit(5)):
                claimed = session.execute(update(Job).where(Job.id == job_id, Job.state == QUEUED)
                                          .values(state=RUNNING, progress="正在处理……", updated=now()))
                if claimed.rowcount == 1:
                    return job_id
        return None

    def _loop(self) -> None:
        while not self._stop.is_set():
            job_id = self._claim()
            if job_id is None:
                self._stop.wait(POLL_SECONDS)
                continue
            self._do(job_id)

    def _progress(self, job_id: int, text: str) -> None:
        with self.db.transaction() as session:
            session.execute(update(Job).where(Job.id == job_id).values(progress=text, updated=now()))

    def _do(self, job_id: int) -> None:
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            call, label = self._call(session, job)
        started = time.monotonic()
        try:
            assert self._pool is not None
            future = self._pool.submit(_run, *call)
            while not wait([future], timeout=1).done:
                if self._stop.is_set():
                    return  # the server stops: the job stays 进行中 and is queued again at the next start
                self._progress(job_id, f"{label}……已用 {int(time.monotonic() - started)} 秒")
            outcome = future.result()
        except BrokenProcessPool:
            outcome = {"ok": False, "message": INTERNAL}
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            job.state = DONE if outcome.get("ok") else FAILED
            seconds = time.monotonic() - started
            notes = "；".join(outcome.get("notes", []))
            job.progress = f"用时 {seconds:.0f} 秒" + (f"。注意：{notes}" if notes else "")
            job.message = outcome.get("message", "")
            if "problems" in outcome:
                job.message = json.dumps({"message": job.message, "problems": outcome["problems"]}, ensure_ascii=False)
            job.updated = now()
            audit(session, "系统", "任务完成" if outcome.get("ok") else "任务失败", f"任务 {job_id}（{job.kind}）")
        if self._office is not None and not self._stop.is_set():
            self._office.ensure()  # LibreOffice may have ended itself after the job: warm again for the next one

    def _call(self, session: Session, job: Job) -> tuple[tuple, str]:
        """What the worker process runs for ``job``, and how its progress is described."""
        store = self.store
        if job.kind == "render":
            return ("render_school", str(store.workbook(job.submission_id)), str(store.report(job.submission_id))), \
                "正在生成 Word 报告"
        if job.kind == "pdf":
            return ("render_pdf", str(store.workbook(job.submission_id)), str(store.pdf(job.submission_id).parent)), \
                "正在用 LibreOffice 排版并生成 PDF"
        from vqr_author.web.desk import approved, earlier_approved, left_out

        region = session.get(RegionWorkbook, job.region_id)
        chosen, earlier = approved(session), earlier_approved(session)
        schools = [str(store.workbook(s.id)) for s in chosen]
        labels = {store.workbook(s.id).name: f"{s.school.code} {s.school.name}（第 {s.version} 版）" for s in (*chosen, *earlier)}
        labels[store.region(region.id).name] = "教育局的填报表"
        call = ("render_region", str(store.region(region.id)), schools, str(store.district_report(job.id)), region.level,
                labels, [str(store.workbook(s.id)) for s in earlier], left_out(session))
        return call, f"正在汇总 {len(schools)} 所已通过审核的学校并生成报告"
