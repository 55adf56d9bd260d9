"""The committed Word template is exactly what templates/build_templates.py produces."""

import importlib.util
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


def test_template_declares_a4_and_page_numbers_from_the_body():
    with zipfile.ZipFile(ROOT / "templates" / "report.docx") as zf:
        document = zf.read("word/document.xml").decode()
    assert 'w:w="11906" w:h="16838"' in document  # A4
    assert 'w:pgNumType w:start="1"' in document
