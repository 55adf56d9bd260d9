"""The library API: the pipeline edition → load → validate → compute → render → write.

The CLI is a thin shell over these functions; other programs can import them directly::

    from vqr_author import check_workbook, render_report
    result = check_workbook("学校.xlsx")
    if result.ok:
        render_report("学校.xlsx", "报告.docx")
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vqr_author.changes import Changes, Snapshot, compare, manifest_bytes, manifest_path, read_manifest, take_snapshot
from vqr_author.compute import (
    Report,
    ReportSource,
    SchoolResult,
    build_report,
    region_source,
    school_result,
    school_source,
)
from vqr_author.compute.lists import unknown_schools
from vqr_author.compute.identity import CoverNames, SchoolIdentity, district_problems, identity_problems
from vqr_author.compute.report import SectionContent, report_years
from vqr_author.compute.series import restated_last_year, school_key
from vqr_author.digest import file_sha256, sha256
from vqr_author.edition import Edition, load_edition
from vqr_author.errors import InputFolderError, UsageError, VqrError, WorkbookUnreadable
from vqr_author.output import check_outputs, write_atomic, write_together
from vqr_author.output.guard import check_output_name
from vqr_author.problems import Level, Problem, error, in_reading_order, warning
from vqr_author.output.pdf import (
    FONT_ALIASES,
    INSTALL_HINT,
    PdfError,
    anchor_pages,
    anchor_places,
    docx_to_pdf,
    find_soffice,
    wants_page_numbers,
)
from vqr_author.output.pdf import note as pdf_note
from vqr_author.output.layouts import layout_key, recalled_pages, remember_pages
from vqr_author.render.template import check_template, default_template
from vqr_author.validate import validate
from vqr_author.workbook import ReportWorkbook, load_workbook, sheet_order
from vqr_author.workbook.files import MAX_FILE_BYTES
from vqr_author.workbook.contract import KEY_EDITION, LEVELS, SCHOOL, SHEET_COVER, level_name

if TYPE_CHECKING:
    from vqr_author.render.context import Draft
    from vqr_author.workbook.carry import Carried


@dataclass(frozen=True)
class CheckResult:
    path: Path
    edition: Edition
    book: ReportWorkbook
    source: ReportSource | None  # the school's computed values; None for district and city workbooks
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def report(self) -> Report | None:
        """The school's whole report (tables, sentences, charts), built when first asked for."""
        return build_report(self.edition, self.source) if self.source else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def school(self) -> SchoolResult:
        assert self.source is not None
        return school_result(self.edition, self.book, self.source.values, self.source.records)


@dataclass(frozen=True)
class RenderResult:
    check: CheckResult
    output: Path | None  # None when rendering was refused because of errors
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)  # e.g. why no PDF was made

    @property
    def written(self) -> bool:
        return self.output is not None


@dataclass(frozen=True)
class Produced:
    docx: bytes
    pdf: bytes | None
    notes: list[str]


def produce(report: Report, template: Path, draft: Draft | None = None, pdf: bool = False,
            page_numbers: bool | None = None) -> Produced:
    """The .docx, and with ``pdf`` the PDF. With ``page_numbers`` or ``pdf``, LibreOffice lays the
    report out once: it computes the page numbers of the 目录 and the lists of tables, figures and
    cases itself (PAGEREF fields), and the page of each heading, caption and table row is read
    from that layout. The numbers are written into the .docx as the numbers Word and WPS show. A
    case photo that the layout moved to the page after its text is set to the height of the room
    left there, and the report laid out again with it (_fit_photos). In the PDF, each table that ran
    onto another page is split there under a 续表 caption — in the space the layout already gave its
    repeated caption row, so the pages do not move (a second pass, only when a table broke); the
    .docx keeps its tables whole (_whole_tables). A document laid out before by the same LibreOffice
    gets its remembered pages without a
    pass (output.layouts). Without LibreOffice, or when it fails, the .docx has no numbers (and no
    PDF is made), and one note says why."""
    # Word, docxtpl and Jinja load here, not with the module: `vqr check` does not render
    from vqr_author.render.context import contents, continued_tables, row_anchors
    from vqr_author.render.docx import render_docx

    document = render_docx(report, template, draft)
    notes: list[str] = []
    if not (pdf or wants_page_numbers(page_numbers)):
        return Produced(document, None, notes)
    soffice = find_soffice()
    anchors = {entry.anchor for entries in contents(report).values() for entry in entries}
    rows = row_anchors(report)  # where long tables break: their 续表 captions
    key = layout_key(document, soffice, repr(FONT_ALIASES)) if soffice is not None else ""
    recalled = recalled_pages(key, anchors) if soffice is not None and not pdf else None
    if recalled is not None:  # this very document was laid out by this LibreOffice before
        return Produced(render_docx(report, template, draft, _whole_tables(recalled, rows)), None, notes)
    try:
        if soffice is None:
            raise PdfError(f"本机没有找到 LibreOffice。{INSTALL_HINT}")
        laid_out = docx_to_pdf(document, soffice)
    except PdfError as exc:
        return Produced(document, None, [*notes, pdf_note(str(exc), pdf)])
    try:
        photos, laid_out = _fit_photos(report, template, draft, soffice, laid_out)
        pages = anchor_pages(laid_out, anchors | rows) | photos
        if anchors - pages.keys():
            raise PdfError(f"LibreOffice 排出的 PDF 中找不到目录所指的 {len(anchors - pages.keys())} 处标题或图表"
                           "（需要 LibreOffice 7.4 或更新的版本）")
    except PdfError as exc:  # the PDF itself is complete: LibreOffice filled its 目录
        return Produced(document, laid_out if pdf else None, [*notes, pdf_note(str(exc), False)])
    remember_pages(key, pages)
    finished = render_docx(report, template, draft, _whole_tables(pages, rows))
    if not (pdf and continued_tables(report, pages)):
        return Produced(finished, laid_out if pdf else None, notes)
    try:  # the PDF, whose layout is this one, has each table split under its 续表 caption
        continued = docx_to_pdf(render_docx(report, template, draft, pages), soffice)
    except PdfError:  # unlikely after a first pass that worked: its PDF, without the 续表 captions
        return Produced(finished, laid_out, notes)
    return Produced(finished, continued, notes)


def _whole_tables(pages: dict[str, str], rows: set[str]) -> dict[str, str]:
    """The pages of the .docx: Word and WPS lay it out again with their own fonts, so its tables are
    not split at this layout's page breaks (a 续表 placed for one layout lands mid-page in another);
    each table's caption and header rows repeat on every page it runs onto instead."""
    return {anchor: page for anchor, page in pages.items() if anchor not in rows}


FIT_PASSES = 2  # layouts after the first that fit case photos: each smaller photo moves the pages after it


def _fit_photos(report: Report, template: Path, draft: Draft | None, soffice: str,
                laid_out: bytes) -> tuple[dict[str, str], bytes]:
    """The heights of the case photos that moved past their text's page in ``laid_out``, set to the
    room that text left (render.photos), and the layout of the report with them; again when that
    moved a later photo on, at most FIT_PASSES times. A failed pass keeps the last layout."""
    from vqr_author.render.docx import render_docx
    from vqr_author.render.photos import fitted_photos, photo_anchors

    fitted: dict[str, str] = {}
    anchors = photo_anchors(report)
    for _ in range(FIT_PASSES):
        more = fitted_photos(report, template, anchor_places(laid_out, anchors), fitted)
        if not more:
            break
        try:
            refitted = docx_to_pdf(render_docx(report, template, draft, fitted | more), soffice)
        except PdfError:
            break
        fitted, laid_out = fitted | more, refitted
    return fitted, laid_out


@dataclass(frozen=True)
class ReportFiles:
    """Every file of one report, as bytes, before any is written: the .docx, the PDF beside it (with
    ``pdf`` and LibreOffice), and for a school report its record (.vqr.json), which carries the
    sha256 of exactly this .docx. Written as one unit (write_report_files) or staged by batch."""

    docx: Path
    files: dict[Path, bytes]  # target → bytes, in the order they are put in place
    digest: str  # sha256 of the .docx
    notes: list[str]

    @property
    def pdf(self) -> Path | None:
        return self.docx.with_suffix(".pdf") if self.docx.with_suffix(".pdf") in self.files else None


def _inputs(result: CheckResult) -> list[tuple[Path | None, str]]:
    """Every file a checked workbook was read from: the workbook, its case photos, the edition file."""
    return [(result.path, "填报表"), *((case.image, "案例照片") for case in result.book.cases if case.image),
            (result.edition.source, "版式文件")]


def _outputs(output: Path, pdf: bool, record: bool) -> list[tuple[Path, str]]:
    found = [(output, "报告")]
    if pdf:
        found.append((output.with_suffix(".pdf"), "PDF"))
    if record:
        found.append((manifest_path(output), "报告的记录文件"))
    return found


def check_report_outputs(output: Path, inputs: list[tuple[Path | None, str]], *, pdf: bool, record: bool) -> None:
    """Refuse (exit code 2) before anything is written when a report, its PDF or its record would
    replace an input, has the wrong extension or too long a name, or cannot be written."""
    check_output_name(output)
    check_outputs(_outputs(output, pdf, record), inputs, ".docx", "报告")


def school_report_files(
    result: CheckResult, output: str | Path, template: Path, *, draft: bool = False, pdf: bool = False,
    page_numbers: bool | None = None, input_sha256: str | None = None,
) -> ReportFiles:
    """The pipeline of a checked school workbook, shared by render_report and vqr batch: check the
    outputs against every input, render the .docx (and PDF), and make the record of that .docx."""
    output = Path(output)
    check_report_outputs(output, [*_inputs(result), (template, "模板")], pdf=pdf, record=True)
    report = result.report
    assert report is not None
    from vqr_author.render.context import Draft

    produced = produce(report, template, Draft(result.problems) if draft else None, pdf, page_numbers)
    digest = sha256(produced.docx)
    record = manifest_bytes(result.path, result.edition, take_snapshot(result.edition, result.book, report), template,
                            digest, input_sha256)
    files = {output: produced.docx}
    if produced.pdf is not None:
        files[output.with_suffix(".pdf")] = produced.pdf
    files[manifest_path(output)] = record
    return ReportFiles(output, files, digest, produced.notes)


def _file_sha256(path: Path) -> str | None:
    """The sha256 of a file, read in blocks (an oversized input is refused later, by the reader)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None  # a device, a pipe, a file too large: the reader refuses it
        return file_sha256(path)
    except (OSError, ValueError):
        return None  # check_workbook says why the file cannot be read


def write_report_files(files: ReportFiles) -> None:
    """Write a report and its side files as one unit (see write_together)."""
    write_together(files.files)


def _edition(edition: Edition | str | None) -> Edition | None:
    return load_edition(edition) if isinstance(edition, str) else edition


def _level(level: str) -> str:
    try:
        return level_name(level)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def check_workbook(path: str | Path, edition: Edition | str | None = None, level: str = "school") -> CheckResult:
    """Load, compute and validate a workbook of ``level`` (school, district or city). Raises
    WorkbookUnreadable (exit 2) when the file is not a readable workbook; every other problem is
    in ``result.problems``."""
    level = _level(level)
    book, ed, problems = load_workbook(Path(path), _edition(edition), level)
    ed.require_level(level)
    source = school_source(ed, book) if level == SCHOOL else None
    values = source.values if source else {}
    records = source.records if source else {}
    problems = in_reading_order([*problems, *validate(ed, book, values, records)], sheet_order(ed, level))
    return CheckResult(Path(path), ed, book, source, problems)


def _template(template: str | Path | None) -> Path:
    return check_template(Path(template)) if template else default_template()


def render_report(
    path: str | Path,
    output: str | Path,
    *,
    draft: bool = False,
    edition: Edition | str | None = None,
    template: str | Path | None = None,
    pdf: bool = False,
    page_numbers: bool | None = None,
) -> RenderResult:
    """Render the report of a school workbook to ``output`` (.docx), atomically.

    With errors and without ``draft`` nothing is written. With ``draft`` the report is written and
    every problem is marked visibly in it. With ``pdf`` a PDF is written beside it (LibreOffice).
    With ``page_numbers`` (by default, see output.pdf.wants_page_numbers) the 目录 gets its page numbers from
    LibreOffice's layout (see produce); with False the layout pass is skipped.
    """
    output = Path(output)
    template_path = _template(template)
    check_report_outputs(output, [(Path(path), "填报表"), (template_path, "模板")], pdf=pdf, record=True)
    input_sha256 = _file_sha256(Path(path))  # before reading: the record names the content that was rendered
    result = check_workbook(path, edition)
    if result.errors and not draft:
        return RenderResult(result, None)
    files = school_report_files(result, output, template_path, draft=draft, pdf=pdf, page_numbers=page_numbers,
                                input_sha256=input_sha256)
    write_report_files(files)
    return RenderResult(result, output, files.pdf, files.notes)


def diff_reports(old: str | Path, new: str | Path, edition: Edition | str | None = None) -> Changes:
    """What changes between two versions of a school report. ``old`` is a workbook, or a report
    rendered by render_report (its .vqr.json record is read); ``new`` is a workbook."""

    def snapshot(result: CheckResult) -> Snapshot:
        return take_snapshot(result.edition, result.book, result.report)  # type: ignore[arg-type]

    old, new = Path(old), Path(new)
    before = read_manifest(old) if old.suffix.lower() == ".docx" else snapshot(check_workbook(old, edition))
    after = check_workbook(new, edition)
    return replace(compare(before, snapshot(after)), new_errors=len(after.errors))


@dataclass(frozen=True)
class AggregateResult:
    """A district or city report: its own workbook, the schools, and what was found on the way."""

    region: CheckResult
    schools: list[CheckResult]
    unreadable: list[tuple[Path, WorkbookUnreadable]]
    identity: list[Problem]
    output: Path | None
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)
    history: HistoryFolder | None = None  # with --history: the earlier years' workbooks and what was found in them

    @property
    def problems(self) -> list[Problem]:
        """Every problem, each with the file it is in."""
        own, first = self.own_problems, len(self.region.problems)  # the region's own first, then the schools'
        schools = [replace(p, file=school.path.name) for school in self.schools for p in school.problems]
        return own[:first] + schools + own[first:]

    @property
    def own_problems(self) -> list[Problem]:
        """The problems of the aggregate itself, each with its file: the region workbook's, the checks
        across schools (identity, lists, districts) and the history — every problem but the schools'
        own checks, which a batch has already listed school by school."""
        found = [replace(p, file=self.region.path.name) for p in self.region.problems]
        unreadable = [error(exc.code, str(exc), file=path.name) for path, exc in self.unreadable]
        return found + unreadable + self.identity + (self.history.problems if self.history else [])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def written(self) -> bool:
        return self.output is not None


@dataclass(frozen=True)
class HistoryFolder:
    """Earlier years' school workbooks (``--history``): those used, by year, and a problem for every
    file not used (unreadable, with errors, not of an earlier year) and every 上年 value that differs
    from the school's own workbook of last year."""

    folder: Path | None  # None: the workbooks were given one by one (the web desk's earlier submissions)
    years: dict[int, list[CheckResult]]
    problems: list[Problem]


def _history_year(result: CheckResult, year: int) -> int | None:
    """The earlier year a history workbook stands for, or None when it is not one."""
    found = report_years(result.book.cover_text(result.edition.cover_key("year"))).this
    return found if found is not None and found < year else None


def read_history(folder: str | Path, edition: Edition, year: int) -> HistoryFolder:
    """The school workbooks of years before ``year`` under ``folder`` (any layout, recursively; each
    workbook's 报告年度 says its year), read and checked like this year's. Refuses (exit code 2) a
    folder that cannot be used or that holds two workbooks of one school for one year."""
    from vqr_author.batch import scan_folder  # the folder scan of vqr batch: links, permissions, lock files

    folder = Path(folder)
    if not folder.is_dir():
        raise InputFolderError(f"找不到历年数据文件夹“{folder}”（或它不是文件夹）。请在 --history 后给出存放往年学校填报表的文件夹。")
    found, skipped = scan_folder(folder)
    if not found and not skipped:
        raise InputFolderError(f"历年数据文件夹“{folder}”（含子文件夹）中没有找到填报表（.xlsx）。请给出存放往年学校填报表的文件夹。")
    problems = [Problem(Level.WARNING, p["code"], f"历年数据：{p['message']}", file=str(folder / o.input))
                for o in skipped for p in o.problems]
    history = read_history_workbooks(found, edition, year)
    return replace(history, folder=folder, problems=problems + history.problems)


def read_history_workbooks(paths: Sequence[str | Path], edition: Edition, year: int) -> HistoryFolder:
    """Earlier years' school workbooks given one by one (a history folder's, or the web desk's approved
    submissions of earlier years): each read and checked like this year's, used for the year its
    报告年度 says when that is before ``year``; a problem for every one not used. Refuses (exit code 2)
    two workbooks of one school for one year."""
    problems: list[Problem] = []
    years: dict[int, list[CheckResult]] = {}
    for path in map(Path, paths):
        try:
            result = check_workbook(path, edition)
        except WorkbookUnreadable as exc:
            problems.append(warning("history-unreadable", f"历年填报表无法读取，未计入历年数据：{exc}", file=str(path)))
            continue
        earlier = _history_year(result, year)
        if earlier is None:
            stated = result.book.cover_text(edition.cover_key("year")) or "未填写"
            problems.append(warning(
                "history-year", f"历年填报表的年度是 {stated}，不是 {year} 年以前的年度，未计入历年数据。"
                "历年数据文件夹中只应放往年的学校填报表；请检查封面的年度。", file=str(path)))
        elif result.errors:
            first = result.errors[0]
            problems.append(warning(
                "history-has-errors", f"历年填报表有 {len(result.errors)} 个错误（第一个在 {first.place}：{first.message}），"
                f"未计入 {earlier} 年的历年数据。请运行 vqr check 查看全部问题，改正后重新汇总。", file=str(path)))
        else:
            years.setdefault(earlier, []).append(result)
    _refuse_duplicates(years, edition)
    return HistoryFolder(None, years, problems)


def _refuse_duplicates(years: dict[int, list[CheckResult]], edition: Edition) -> None:
    """Two workbooks of one school (one code) for one year would be counted twice: refused, naming both."""
    clashes = []
    for year, results in sorted(years.items()):
        by_school: dict[str, list[CheckResult]] = {}
        for result in results:
            by_school.setdefault(school_key(edition, result.book), []).append(result)
        for code, same in by_school.items():
            if len(same) > 1:
                files = "”和“".join(str(r.path) for r in same)
                name = same[0].book.cover_text(edition.cover_key("name"))
                clashes.append(f"{edition.cover_key('code')} {code}（{name}）在 {year} 年度有 {len(same)} 份填报表：“{files}”")
    if clashes:
        raise InputFolderError("历年数据中同一学校同一年度有多份填报表，无法确定用哪一份：" + "；".join(clashes)
                               + "。每所学校每年只能有一份，请移走多余的填报表后重新运行。")


def _restated(history: HistoryFolder, schools: list[CheckResult], year: int, edition: Edition) -> list[Problem]:
    """Each school's 上年 values against its own workbook of last year, when the history has it."""
    last_year = {school_key(edition, r.book): r for r in history.years.get(year - 1, [])}
    problems = []
    for school in schools:
        earlier = last_year.get(school_key(edition, school.book))
        if earlier is not None:
            problems += restated_last_year(edition, school.book, school.path.name, earlier.book, str(earlier.path))
    return problems


def aggregate_report(
    region_path: str | Path,
    school_paths: list[str | Path],
    output: str | Path,
    *,
    level: str = "district",
    draft: bool = False,
    edition: Edition | str | None = None,
    template: str | Path | None = None,
    pdf: bool = False,
    history: str | Path | Sequence[str | Path] | None = None,
    page_numbers: bool | None = None,
    left_out: Mapping[str, str] | None = None,
) -> AggregateResult:
    """The district (or city) report: the region workbook supplies 封面, 正文 and 案例, the school
    workbooks the data. Nothing is written when any workbook has errors, unless ``draft``. With
    ``history`` (a folder of earlier years' school workbooks, or those workbooks listed one by one)
    the report also shows the edition's
    series over every year found and the count of schools, and each school's 上年 values are
    checked against its own workbook of last year. ``left_out`` names the schools that belong in the
    report but are not given (school name → why: 有错误, 未提交 …): the report is then a draft that
    lists them (school-left-out), and a list naming one of them says it is left out."""
    level = _level(level)
    if level == SCHOOL:
        raise UsageError("汇总报告的层级应为 district（区县）或 city（市）。")
    output = Path(output)
    template_path = _template(template)
    named = [(Path(region_path), "区县（市）填报表"), *((Path(p), "学校填报表") for p in school_paths), (template_path, "模板")]
    check_report_outputs(output, named, pdf=pdf, record=False)
    region = check_workbook(region_path, edition, level=level)
    schools, unreadable = [], []
    for path in dict.fromkeys(Path(p) for p in school_paths):
        try:
            schools.append(check_workbook(path, region.edition))
        except WorkbookUnreadable as exc:
            unreadable.append((path, exc))
    if not schools:
        raise VqrError("没有可以汇总的学校填报表。请在区县（市）填报表之后列出各学校的填报表。")
    given = schools
    schools, mixed = _one_edition(region, schools)
    if not schools:
        raise VqrError(f"没有与“{region.path.name}”同一版式（{region.edition.id}）的学校填报表，无法汇总。{mixed[0].message}")
    names = CoverNames.of(region.edition)
    identities = [SchoolIdentity.of(s.path.name, s.book, names) for s in schools]
    identity = mixed + identity_problems(identities, region.book.cover_text(region.edition.cover_key("year", level)), names)
    if level == LEVELS["district"]:
        district = region.book.cover_text(region.edition.cover_key("name", level))
        identity += district_problems({s.path.name: s.book for s in schools}, region.edition, district, region.path.name)
    year = report_years(region.book.cover_text(region.edition.cover_key("year", level))).this
    found = None
    if history is not None and year is not None:
        found = (read_history(history, region.edition, year) if isinstance(history, (str, Path))
                 else read_history_workbooks(history, region.edition, year))
        found = replace(found, problems=[*found.problems, *_restated(found, schools, year, region.edition)])
    elsewhere = {**_earlier_schools(found), **_other_edition(given, schools), **(left_out or {})}
    listed = unknown_schools(region.edition.lists_for(level), region.book.lists, [s.school().name for s in schools],
                             elsewhere)
    identity += [replace(p, file=region.path.name) for p in (*_left_out(left_out or {}), *listed)]
    draft = draft or bool(left_out)
    result = AggregateResult(region, schools, unreadable, identity, None, history=found)
    if result.errors and not draft:
        return result
    earlier = [r for results in (found.years.values() if found else ()) for r in results]
    inputs = [*_inputs(region), *(i for s in (*schools, *earlier) for i in _inputs(s)), *named]
    check_report_outputs(output, inputs, pdf=pdf, record=False)
    books = {y: [r.book for r in results] for y, results in found.years.items()} if found else None
    source = region_source(region.edition, region.book, [s.school() for s in schools], books)
    report = build_report(region.edition, source)
    from vqr_author.render.context import Draft

    produced = produce(report, template_path, Draft(result.problems) if draft else None, pdf, page_numbers)
    files = {output: produced.docx, **({output.with_suffix(".pdf"): produced.pdf} if produced.pdf is not None else {})}
    write_together(files)
    pdf_path = output.with_suffix(".pdf") if produced.pdf is not None else None
    return replace(result, output=output, pdf=pdf_path, notes=produced.notes)


def _other_edition(given: list[CheckResult], kept: list[CheckResult]) -> dict[str, str]:
    """The schools given whose workbooks were left out for their edition (edition-mixed)."""
    used = {id(s) for s in kept}
    names = (s.book.cover_text(s.edition.cover_key("name")) for s in given if id(s) not in used)
    return {name: "其填报表与本报告的版式不同，没有汇总" for name in names if name}


def _earlier_schools(found: HistoryFolder | None) -> dict[str, str]:
    """The schools of the earlier years' workbooks, which a list may still name."""
    results = [r for year in sorted((found.years if found else {}), reverse=True) for r in found.years[year]]
    names = (r.book.cover_text(r.edition.cover_key("name")) for r in results)
    return {name: "往年有该校的填报表，本年没有" for name in names if name}


def _left_out(left_out: Mapping[str, str]) -> list[Problem]:
    """A warning for each school the caller left out of the report, saying why: the report is a draft."""
    return [warning("school-left-out",
                    f"“{name}”没有计入本次汇总：{why}。本报告中的学校数、合计和各表都不含该校，因此按草稿生成；"
                    "该校的填报表改好（网页版中通过审核）后，请重新生成汇总报告。")
            for name, why in left_out.items()]


def _one_edition(region: CheckResult, schools: list[CheckResult]) -> tuple[list[CheckResult], list[Problem]]:
    """An aggregate adds up schools of one edition: a school workbook of another edition is refused
    (edition-mixed, naming both editions) and left out, instead of being read against the region's
    edition (which would add its own, misleading problems)."""
    ed = region.edition
    mixed, kept = [], []
    for school in schools:
        declared = school.book.cover_text(KEY_EDITION)
        if not declared or declared == ed.id:
            kept.append(school)
            continue
        mixed.append(error(
            "edition-mixed",
            f"“{school.path.name}”是“{declared}”版式的填报表，而“{region.path.name}”是“{ed.id}”版式（{ed.name}）。"
            f"一份汇总报告只能汇总同一版式的填报表：请用 vqr init --edition {ed.id} --from “{school.path.name}” 生成该版式的填报表"
            "并补齐数据，或把该校从本次汇总中移出。",
            sheet=SHEET_COVER, cell=school.book.cover[KEY_EDITION].cell if KEY_EDITION in school.book.cover else "",
            indicator=KEY_EDITION, file=school.path.name))
    return kept, mixed


def annotate_workbook(result: CheckResult, output: str | Path) -> Path:
    """Write a copy of the checked workbook with every problem marked, plus a 问题清单 sheet.
    The checked workbook itself is never modified."""
    output = Path(output)
    from vqr_author.output.annotate import annotate  # openpyxl: loaded by the commands that write workbooks

    check_outputs([(output, "标注文件")], _inputs(result), ".xlsx", "问题", "--annotate")
    annotate(result.path, result.problems, output)
    return output


def new_workbook(
    output: str | Path, *, edition: Edition | str | None = None, level: str = "school",
    previous: str | Path | None = None, overwrite: bool = True,
) -> Carried | None:
    """Write the blank workbook (`vqr init`) for ``level`` (school, district or city), atomically.

    With ``previous`` (last year's workbook) the new one starts filled: 上年 = last year's 本年
    (indicators matched by code, or by an indicator's previous codes when the edition changed), the
    per-专业 comparison columns = last year's computed rates, and the 封面 fields that do not change;
    narrative and cases stay empty. Returns what was carried over and which indicators did not match.
    Without ``overwrite`` an existing ``output`` is left alone (VqrError, exit code 1). ``output``
    is never ``previous`` (OutputError, exit code 2).
    """
    output = Path(output)
    level = _level(level)
    check_outputs([(output, "新的填报表")], [(Path(previous) if previous is not None else None, "去年的填报表")],
                  ".xlsx", "新")
    if not overwrite and output.exists():
        raise VqrError(f"“{output}”已存在。为避免覆盖已填写的内容，工具没有写入；如确需覆盖，请加 --force。")
    from vqr_author.workbook.carry import carry_over  # openpyxl: loaded by the commands that write workbooks
    from vqr_author.workbook.writer import build_blank_workbook

    ed = _edition(edition) or load_edition()
    ed.require_level(level)
    wb = build_blank_workbook(ed, level)
    carried = None
    if previous is not None:
        book, previous_edition, found = load_workbook(Path(previous), ed, level)
        if any(p.code == "edition-mismatch" for p in found):  # last year's workbook is of another edition
            book, previous_edition, _ = load_workbook(Path(previous), None, level)
        check_outputs([(output, "新的填报表")], [(case.image, "案例照片") for case in book.cases if case.image], ".xlsx", "新")
        records = school_source(previous_edition, book).records if level == SCHOOL else {}
        carried = carry_over(wb, ed, book, previous_edition, records)
        carried.source_errors = check_workbook(Path(previous), previous_edition, level).errors
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(output, buffer.getvalue())
    return carried


__all__ = [
    "AggregateResult",
    "HistoryFolder",
    "CheckResult",
    "RenderResult",
    "aggregate_report",
    "annotate_workbook",
    "check_workbook",
    "diff_reports",
    "new_workbook",
    "read_history",
    "render_report",
    "school_report_files",
    "write_report_files",
]
