"""Generated reference pages are current, and the README's commands are the ones CI runs."""

import importlib.util

from conftest import ROOT


def test_generated_docs_are_current():
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "docs" / "build_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path, text in module.pages().items():
        assert path.read_text(encoding="utf-8") == text, f"run: python docs/build_docs.py ({path.name})"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme
    assert command.replace("-e '.[test]'", "-q -e '.[test]'") in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
