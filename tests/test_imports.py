"""What each command loads: commands that do not render must not pay for the rendering libraries.

`vqr --help` and the parent process of `vqr batch` (which only reads the manifest when nothing
changed) start in a fraction of the time a render takes because they never import openpyxl,
docxtpl, python-docx, Jinja or the edition model (docs/performance.md). The timings are the
benchmark's business; this test holds the import structure that makes them possible. (pydantic
itself is typer's: typer ≥ 0.29 coerces a command's parameters with it.)
"""

from __future__ import annotations

import subprocess
import sys

from conftest import SAMPLE_DIR

HEAVY = ("openpyxl", "docxtpl", "docx", "jinja2", "yaml", "PIL", "lxml", "matplotlib",
         "vqr_author.edition.model", "vqr_author.api", "vqr_author.compute")


def loaded_after(code: str) -> set[str]:
    """The HEAVY modules a fresh interpreter has loaded after running ``code``."""
    probe = code + (f"\nimport sys\nheavy = {HEAVY!r}\n"
                    "print('LOADED:', *(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.splitlines()[-1].split()[1:])


def test_help_loads_no_rendering_library() -> None:
    code = ("import sys\nsys.argv = ['vqr', '--help']\nfrom vqr_author.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    assert loaded_after(code) == set()


def test_every_command_help_loads_no_rendering_library() -> None:
    code = ("import sys\nfrom vqr_author.cli import main\n"
            "for command in ('init', 'check', 'render', 'aggregate', 'batch', 'diff'):\n"
            "    sys.argv = ['vqr', command, '--help']\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n")
    assert loaded_after(code) == set()


def test_naming_editions_and_the_batch_module_load_nothing_heavy() -> None:
    code = ("from vqr_author.edition import DEFAULT_EDITION, available_editions\n"
            "from vqr_author import batch\nfrom vqr_author.workbook import contract\n"
            "assert DEFAULT_EDITION in available_editions()\n")
    assert loaded_after(code) == set()


def test_the_api_still_loads_on_first_use() -> None:
    assert "vqr_author.api" in loaded_after("import vqr_author\nvqr_author.render_report\n")


def test_checking_a_workbook_does_not_load_openpyxl() -> None:
    """The cell reader reads the package XML itself (workbook/xlsx.py, workbook/excel.py): openpyxl,
    whose import runs its whole package, is only for the commands that write workbooks."""
    code = f"from vqr_author import check_workbook\nassert check_workbook({str(SAMPLE_DIR / '海川职业学校.xlsx')!r}).ok\n"
    assert "openpyxl" not in loaded_after(code)


def test_a_batch_rerun_with_nothing_changed_loads_no_edition_model(tmp_path):
    """The names 汇总.xlsx needs (学校代码 …) come from the last run's record when nothing renders."""
    import shutil

    from conftest import ROOT

    folder = tmp_path / "学校"
    shutil.copytree(ROOT / "sample_inputs" / "district" / "学校", folder)
    out = tmp_path / "输出"
    run = (f"from vqr_author.batch import run_batch\n"
           f"result = run_batch({str(folder)!r}, {str(out)!r}, jobs=1, page_numbers=False)\n"
           "assert result.ok\n")
    loaded_after(run)  # the first run renders every school
    again = loaded_after(run)
    assert "vqr_author.edition.model" not in again and "openpyxl" not in again and "docxtpl" not in again
