"""What the tool keeps in the user's cache folder to skip work in the next process: the validated
edition (edition.loader) — the same edition file read by the same code loads without YAML or
validation, anything else is validated as before — and compiled Jinja code (cache.jinja_code)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import jinja2

from vqr_author import cache as vqr_cache
from vqr_author.edition import loader
from vqr_author.errors import EditionError

BUNDLED = loader.DATA_DIR / f"{loader.DEFAULT_EDITION}.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("VQR_CACHE_DIR", str(folder))
    loader._load_file.cache_clear()
    yield folder / "editions"
    loader._load_file.cache_clear()


def _fresh_load(path) -> str:  # noqa: ANN001
    """Load ``path`` in a new process (the cache folder from the environment): whether YAML was parsed,
    and the edition's id and indicator count."""
    code = ("import sys\nfrom vqr_author.edition import load_edition\n"
            f"e = load_edition({str(path)!r})\n"
            "print('yaml' in sys.modules, e.id, len(e.indicators), e.source)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_a_second_load_reads_the_cache_and_not_the_yaml(cache):
    first = _fresh_load(BUNDLED)
    assert first[0] == "True" and len(list(cache.glob("*.pickle"))) == 1
    again = _fresh_load(BUNDLED)
    assert again == ["False", *first[1:]]  # same edition, from the cache


def test_the_cached_edition_equals_the_validated_one(cache):
    validated = loader.load_edition()
    loader._load_file.cache_clear()
    cached = loader.load_edition()
    assert cached is not validated and cached == validated
    assert cached.source == BUNDLED.resolve()
    assert cached.indicator("GM01") == validated.indicator("GM01")


def test_a_changed_edition_file_is_validated_again(cache, tmp_path):
    variant = tmp_path / "variant.yaml"
    variant.write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    assert loader.load_edition(variant).source == variant.resolve()  # same bytes elsewhere: same entry
    assert len(list(cache.glob("*.pickle"))) == 1
    loader._load_file.cache_clear()
    variant.write_text(BUNDLED.read_text(encoding="utf-8").replace("outline:", "outline: !!bad\n", 1), encoding="utf-8")
    with pytest.raises(EditionError, match="版式文件"):
        loader.load_edition(variant)
    assert len(list(cache.glob("*.pickle"))) == 1  # a file with errors is never kept


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"id": "zhongzhi-2024"})])
def test_a_damaged_cache_file_is_ignored(cache, content):
    loader.load_edition()
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(content)
    loader._load_file.cache_clear()
    assert loader.load_edition().id == loader.DEFAULT_EDITION
    assert entry.read_bytes() != content  # replaced by the validated edition


def test_an_unwritable_cache_folder_only_costs_the_validation(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("VQR_CACHE_DIR", str(blocker))
    loader._load_file.cache_clear()
    try:
        assert loader.load_edition().id == loader.DEFAULT_EDITION
    finally:
        loader._load_file.cache_clear()


def test_compiled_jinja_is_reused_and_equals_a_fresh_compilation(cache):
    env = jinja2.Environment(autoescape=True)
    source = "{% for x in xs %}<w:t>{{ x }}</w:t>{% endfor %}"
    first = vqr_cache.jinja_code(env, source)
    (entry,) = (cache.parent / "jinja").glob("*.jinja")
    again = vqr_cache.jinja_code(env, source)
    assert again is not first and again == first  # unmarshalled from the file
    template = env.template_class.from_code(env, again, env.make_globals(None), None)
    assert template.render(xs=["a", "<b>"]) == env.from_string(source).render(xs=["a", "<b>"])
    other = jinja2.Environment(autoescape=False)
    vqr_cache.jinja_code(other, source)  # another kind of environment: its own entry
    assert len(list((cache.parent / "jinja").glob("*.jinja"))) == 2
    entry.write_bytes(b"damaged")
    assert vqr_cache.jinja_code(env, source) == first


def test_a_template_syntax_error_is_raised_not_cached(cache):
    env = jinja2.Environment()
    with pytest.raises(jinja2.TemplateSyntaxError):
        vqr_cache.jinja_code(env, "{% if %}")
    assert not list((cache.parent / "jinja").glob("*.jinja"))


def test_an_edition_file_that_is_not_utf8_is_said_in_chinese(cache, tmp_path):
    broken = tmp_path / "gbk.yaml"
    broken.write_bytes("id: 版式\n".encode("gbk"))
    with pytest.raises(EditionError, match="第 5 个字节起不是 UTF-8 编码的文字"):
        loader.load_edition(broken)
