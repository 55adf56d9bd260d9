"""The edition's sentence templates are Jinja, compiled once, in a sandbox (they can only call the
functions the computation passes them); the compiled code is kept across processes in the user's
cache folder (vqr_author.cache.jinja_code)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from vqr_author.cache import jinja_code

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@lru_cache(maxsize=512)
def compile_sentence(text: str) -> Template:
    return _ENV.template_class.from_code(_ENV, jinja_code(_ENV, text), _ENV.make_globals(None), None)


def check_sentence(text: str) -> None:
    """Raise TemplateSyntaxError if ``text`` is not a valid template (parsing only: compiling every
    sentence would cost each process that loads the edition ~50 ms)."""
    _ENV.parse(text)
