"""The sample workbooks are reproducible from their script and say what the README says they do."""

from __future__ import annotations

from conftest import SAMPLE_DIR, sample_builder, workbook_values
from vqr_author import check_workbook


def test_committed_samples_are_what_the_script_builds(tmp_path):
    built = sample_builder("build_sample").build(tmp_path)
    for path in built:
        assert workbook_values(path) == workbook_values(SAMPLE_DIR / path.name), f"run: python sample_inputs/build_sample.py ({path.name})"
    for photo in (tmp_path / "照片").iterdir():
        assert photo.read_bytes() == (SAMPLE_DIR / "照片" / photo.name).read_bytes()


def test_sample_is_complete_and_consistent():
    result = check_workbook(SAMPLE_DIR / "海川职业学校.xlsx")
    assert result.errors == []
    book = result.book
    assert 8 <= len(book.records["majors"]) <= 18
    assert 6 <= len(book.cases) <= 15
    narrated = {p.section for p in book.paragraphs}
    assert narrated == {s.code for s in result.edition.narrative_sections}


def test_mistakes_sample_reports_exactly_the_seed_000_mistakes_with_their_cells():
    result = check_workbook(SAMPLE_DIR / "海川职业学校-含错误示例.xlsx")
    errors = {(p.code, p.place) for p in result.errors}
    assert errors == {("parts-sum-mismatch", "指标!F150"), ("rate-as-fraction", "指标!F37")}
    assert result.errors[0].place == "指标!F37"  # reading order: by row
