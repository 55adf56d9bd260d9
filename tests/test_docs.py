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


def _model_words() -> set[str]:
    """The keys of the edition model and the values its fields take (kinds, roles, carry rules …)."""
    import sys
    import typing
    from enum import Enum

    sys.path.insert(0, str(ROOT / "docs"))
    from edition_fields import PLACES

    def values(annotation) -> set[str]:
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return {k.value for k in annotation}
        found = set(typing.get_args(annotation)) if typing.get_origin(annotation) is typing.Literal else set()
        return {v for v in found if isinstance(v, str)} | {v for a in typing.get_args(annotation) for v in values(a)}

    fields = [(name, field) for model in PLACES for name, field in model.model_fields.items()]
    return {field.alias or name for name, field in fields} | {v for _, field in fields for v in values(field.annotation)}


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return {k for k in node if isinstance(k, str)} | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_the_edition_page_uses_only_keys_of_the_model():
    """Every key written in docs/editions.md (in its YAML examples and as `key:` in the text) is a key
    of the edition model: the page cannot document report_title while the model wants report_titles."""
    import re

    import yaml

    text = (ROOT / "docs" / "editions.md").read_text(encoding="utf-8")
    written = set()
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
        written |= {k for k in _keys(yaml.safe_load(block)) if re.fullmatch(r"[a-z_]+", k)}
    written |= set(re.findall(r"`([a-z_]+)(?::[^`]*)?`", re.sub(r"```.*?```", "", text, flags=re.S)))
    words = {"q", "n", "change", "growth", "schools", "schools_by", "code", "title", "id", "true", "false"}  # template words
    unknown = written - _model_words() - words
    assert not unknown, f"docs/editions.md names keys the edition model does not have: {sorted(unknown)}"
