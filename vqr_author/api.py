"""The library API: the pipeline edition → load → validate → compute → render → write.

The CLI is a thin shell over these functions; other programs can import them directly::

    from vqr_author import check_workbook, render_report
    result = check_workbook("学校.xlsx")
    if result.ok:
        render_report("学校.xlsx", "报告.docx")
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vqr_author.changes import Changes, Snapshot, compare, manifest_bytes, manifest_path, read_manifest, take_snapshot
from vqr_author.compute import Report, ReportSource, SchoolResult, build_report, region_source, school_source
from vqr_author.compute.identity import SchoolIdentity, identity_problems
from vqr_author.compute.report import SectionContent
from vqr_author.digest import file_sha256, sha256
from vqr_author.edition import Edition, load_edition
from vqr_author.errors import VqrError, WorkbookUnreadable
from vqr_author.output import check_outputs, write_atomic, write_together
from vqr_author.output.guard import check_output_name
from vqr_author.problems import Level, Problem, error, in_reading_order
from vqr_author.output.pdf import INSTALL_HINT, PdfError, docx_to_pdf, find_soffice, locate, numbered_pages
from vqr_author.render import Draft, default_template, render_docx
from vqr_author.render.charts import MissingGlyphs, draw
from vqr_author.render.context import contents
from vqr_author.render.template import check_template
from vqr_author.validate import validate
from vqr_author.workbook import ReportWorkbook, load_workbook, sheet_order
from vqr_author.workbook.files import MAX_FILE_BYTES
from vqr_author.workbook.contract import SCHOOL, level_name

if TYPE_CHECKING:
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
        return SchoolResult(self.book, self.source.values, self.source.records)


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


def produce(report: Report, template: Path, draft: Draft | None = None, pdf: bool = False) -> Produced:
    """The .docx, and with ``pdf`` the PDF laid out by LibreOffice — whose page numbers are then
    written into the 目录 and the lists of tables, figures and cases of the .docx."""
    report, drawn, notes = _draw_charts(report)
    document = render_docx(report, template, draft, drawn=drawn)
    if not pdf:
        return Produced(document, None, notes)
    soffice = find_soffice()
    if soffice is None:
        return Produced(document, None, [*notes, f"没有生成 PDF：{INSTALL_HINT}Word 报告已正常生成。"])
    try:
        pages = numbered_pages(docx_to_pdf(document, soffice))
        located = {name: locate([e.text for e in entries], pages) for name, entries in contents(report).items()}
        document = render_docx(report, template, draft, located, drawn)
        return Produced(document, docx_to_pdf(document, soffice), notes)
    except PdfError as exc:
        return Produced(document, None, [*notes, str(exc)])


def _draw_charts(report: Report) -> tuple[Report, dict[str, bytes], list[str]]:
    """Every chart drawn (PNG by chart id). A chart no installed font can label is left out of the
    report, rather than drawn with boxes in place of characters, and the figures after it are
    renumbered; each distinct reason becomes one note (so a machine without Chinese fonts gets one
    note, however many charts)."""
    drawn: dict[str, bytes] = {}
    notes: list[str] = []
    for chart in report.charts:
        try:
            drawn[chart.id] = draw(chart)
        except MissingGlyphs as exc:
            notes += [str(exc)] if str(exc) not in notes else []
    if len(drawn) == len(report.charts):
        return report, drawn, notes
    return _without_charts(report, {c.id for c in report.charts} - drawn.keys()), drawn, notes


def _without_charts(report: Report, left_out: set[str]) -> Report:
    """``report`` without the charts ``left_out``; 图 N of the remaining charts and case photos
    renumbered from 1, in their order."""
    kept = sorted([c.number for c in report.charts if c.id not in left_out]
                  + [b.figure_number for s in (report.preface, *report.sections) for b in s.cases
                     if b.figure_number is not None])
    number = {old: new for new, old in enumerate(kept, start=1)}

    def section(content: SectionContent) -> SectionContent:
        charts = tuple(replace(c, number=number[c.number]) for c in content.charts if c.id not in left_out)
        cases = tuple(replace(b, figure_number=number.get(b.figure_number)) if b.figure_number is not None else b
                      for b in content.cases)
        return replace(content, charts=charts, cases=cases)

    return replace(report, preface=section(report.preface), sections=tuple(section(s) for s in report.sections))


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
    input_sha256: str | None = None,
) -> ReportFiles:
    """The pipeline of a checked school workbook, shared by render_report and vqr batch: check the
    outputs against every input, render the .docx (and PDF), and make the record of that .docx."""
    output = Path(output)
    check_report_outputs(output, [*_inputs(result), (template, "模板")], pdf=pdf, record=True)
    report = result.report
    assert report is not None
    produced = produce(report, template, Draft(result.problems) if draft else None, pdf)
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
        raise VqrError(str(exc)) from None


def check_workbook(path: str | Path, edition: Edition | str | None = None, level: str = "school") -> CheckResult:
    """Load, compute and validate a workbook of ``level`` (school, district or city). Raises
    WorkbookUnreadable (exit 2) when the file is not a readable workbook; every other problem is
    in ``result.problems``."""
    level = _level(level)
    book, ed, problems = load_workbook(Path(path), _edition(edition), level)
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
) -> RenderResult:
    """Render the report of a school workbook to ``output`` (.docx), atomically.

    With errors and without ``draft`` nothing is written. With ``draft`` the report is written and
    every problem is marked visibly in it. With ``pdf`` a PDF is written beside it (LibreOffice).
    """
    output = Path(output)
    template_path = _template(template)
    check_report_outputs(output, [(Path(path), "填报表"), (template_path, "模板")], pdf=pdf, record=True)
    input_sha256 = _file_sha256(Path(path))  # before reading: the record names the content that was rendered
    result = check_workbook(path, edition)
    if result.errors and not draft:
        return RenderResult(result, None)
    files = school_report_files(result, output, template_path, draft=draft, pdf=pdf, input_sha256=input_sha256)
    write_report_files(files)
    return RenderResult(result, output, files.pdf, files.notes)


def diff_reports(old: str | Path, new: str | Path, edition: Edition | str | None = None) -> Changes:
    """What changes between two versions of a school report. ``old`` is a workbook, or a report
    rendered by render_report (its .vqr.json record is read); ``new`` is a workbook."""

    def snapshot(path: Path) -> Snapshot:
        result = check_workbook(path, edition)
        return take_snapshot(result.edition, result.book, result.report)  # type: ignore[arg-type]

    old, new = Path(old), Path(new)
    before = read_manifest(old) if old.suffix.lower() == ".docx" else snapshot(old)
    return compare(before, snapshot(new))


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

    @property
    def problems(self) -> list[Problem]:
        """Every problem, each with the file it is in."""
        found = [replace(p, file=self.region.path.name) for p in self.region.problems]
        for school in self.schools:
            found += [replace(p, file=school.path.name) for p in school.problems]
        found += [error(exc.code, str(exc), file=path.name) for path, exc in self.unreadable]
        return found + self.identity

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def written(self) -> bool:
        return self.output is not None


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
) -> AggregateResult:
    """The district (or city) report: the region workbook supplies 封面, 正文 and 案例, the school
    workbooks the data. Nothing is written when any workbook has errors, unless ``draft``."""
    level = _level(level)
    if level == SCHOOL:
        raise VqrError("汇总报告的层级应为 district（区县）或 city（市）。")
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
    identities = [SchoolIdentity.of(s.path.name, s.book) for s in schools]
    identity = identity_problems(identities, region.book.cover_text("报告年度"))
    result = AggregateResult(region, schools, unreadable, identity, None)
    if result.errors and not draft:
        return result
    inputs = [*_inputs(region), *(i for s in schools for i in _inputs(s)), *named]
    check_report_outputs(output, inputs, pdf=pdf, record=False)
    source = region_source(region.edition, region.book, [s.school() for s in schools])
    report = build_report(region.edition, source)
    produced = produce(report, template_path, Draft(result.problems) if draft else None, pdf)
    files = {output: produced.docx, **({output.with_suffix(".pdf"): produced.pdf} if produced.pdf is not None else {})}
    write_together(files)
    pdf_path = output.with_suffix(".pdf") if produced.pdf is not None else None
    return replace(result, output=output, pdf=pdf_path, notes=produced.notes)


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
    wb = build_blank_workbook(ed, level)
    carried = None
    if previous is not None:
        book, previous_edition, _ = load_workbook(Path(previous), None, level)
        check_outputs([(output, "新的填报表")], [(case.image, "案例照片") for case in book.cases if case.image], ".xlsx", "新")
        records = school_source(previous_edition, book).records if level == SCHOOL else {}
        carried = carry_over(wb, ed, book, previous_edition, records)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(output, buffer.getvalue())
    return carried


__all__ = [
    "AggregateResult",
    "CheckResult",
    "RenderResult",
    "aggregate_report",
    "annotate_workbook",
    "check_workbook",
    "diff_reports",
    "new_workbook",
    "render_report",
    "school_report_files",
    "write_report_files",
]
