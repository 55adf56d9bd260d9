"""The committed Word template is exactly what templates/build_templates.py produces."""

import importlib.util
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_committed_template_is_reproducible():
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build_report_template()
    committed = (ROOT / "templates" / "report.docx").read_bytes()
    assert built == committed, "run: python templates/build_templates.py"


def test_template_declares_a4_and_one_page_number_sequence_from_the_preface():
    with zipfile.ZipFile(ROOT / "templates" / "report.docx") as zf:
        document = zf.read("word/document.xml").decode()
    assert document.count('w:w="11906" w:h="16838"') == 4  # A4: cover, statements, preface and 目录, body
    # numbered from the preface; the body goes on counting, so a 目录 entry's number is the printed one
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)
    assert ["w:pgNumType" in s for s in sections] == [False, False, True, False]
    assert 'w:pgNumType w:start="1"' in sections[2]


def test_contents_entries_are_links_with_page_fields_outside_a_toc_field():
    """LibreOffice keeps a TOC field's text as written; PAGEREF fields outside one it computes."""
    with zipfile.ZipFile(ROOT / "templates" / "report.docx") as zf:
        document = zf.read("word/document.xml").decode()
    assert " TOC " not in document
    assert document.count("PAGEREF {{ entry.anchor }}") == 4  # 目录 levels 1, 2 and 3, the lists
    assert document.count('w:hyperlink w:anchor="{{ entry.anchor }}"') == 4
