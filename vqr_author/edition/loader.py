"""Find and load edition files (YAML) and validate them against the edition model.

Parsing the YAML and validating it (and building the model's validators, which pydantic defers to
the first validation) is a tenth of a one-school `vqr render`. An edition that validated is kept in
the user's cache folder (vqr_author.cache, editions/) as a pickle, under a key made of the edition
file's bytes, the model's source (edition/model.py, edition/templates.py), Python's and pydantic's
versions: the same file read by the same code loads from there without YAML or validation. Any
change to one of them is another key; a cache file that cannot be read, written or unpickled is
ignored and the file is validated as before. The cache folder is the user's own (like the
installed package's .pyc files, its contents run as code); deleting it is always safe.
"""

from __future__ import annotations

import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from vqr_author import cache
from vqr_author.digest import sha256
from vqr_author.errors import EditionError, VqrError, os_error_text

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from vqr_author.edition.model import Edition

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_EDITION = "zhongzhi-2024"
KEEP = 50  # cached editions kept (each about 70 kB); the oldest go first


def available_editions() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def edition_file(name_or_path: str | Path = DEFAULT_EDITION) -> Path:
    """The file of a bundled edition named by id (``zhongzhi-2024``), or the edition file given by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = DATA_DIR / f"{name_or_path}.yaml"
        if not path.is_file():
            known = "、".join(available_editions())
            raise EditionError(f"没有名为“{name_or_path}”的版式。可用的版式：{known}")
    return path.resolve()


def load_edition(name_or_path: str | Path = DEFAULT_EDITION) -> Edition:
    """Load a bundled edition by id (``zhongzhi-2024``) or an edition file by path."""
    return _load_file(edition_file(name_or_path))


@lru_cache(maxsize=8)
def _load_file(path: Path) -> Edition:
    # pydantic and the model load here, not with the module: naming editions costs nothing
    import pydantic

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise EditionError(f"无法读取版式文件 {path}：{os_error_text(exc)}。") from exc
    key = sha256(b"\0".join((content, *_model_sources(), sys.version.encode(), pydantic.VERSION.encode())))
    edition = _cached(key)
    if edition is None:
        edition = _validated(path, content)
        _keep(key, edition)
    edition._source = path
    return edition


def _model_sources() -> tuple[bytes, ...]:
    folder = Path(__file__).parent
    return tuple((folder / name).read_bytes() for name in ("model.py", "templates.py"))


def _cache_file(key: str) -> Path:
    return cache.cache_folder("editions") / f"{key}.pickle"


def _cached(key: str) -> Edition | None:
    from vqr_author.edition.model import Edition

    try:
        edition = pickle.loads(_cache_file(key).read_bytes())
    except Exception:  # noqa: BLE001 — missing, unreadable, truncated or from other code: validate instead
        return None
    return edition if isinstance(edition, Edition) else None


def _keep(key: str, edition: Edition) -> None:
    from vqr_author.output.atomic import write_atomic

    try:
        folder = cache.cache_folder("editions")
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(_cache_file(key), pickle.dumps(edition, protocol=pickle.HIGHEST_PROTOCOL))
        kept = sorted(folder.glob("*.pickle"), key=lambda f: f.stat().st_mtime_ns)
        for stale in kept[:-KEEP]:  # older versions of edition files or of the code
            stale.unlink(missing_ok=True)
    except (OSError, RuntimeError, VqrError):  # a full disk or a read-only home: validate again next time
        pass


def _validated(path: Path, content: bytes) -> Edition:
    import yaml
    from pydantic import ValidationError

    from vqr_author.edition.model import Edition

    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ten times faster
    try:
        raw = yaml.load(content.decode("utf-8"), Loader=safe_loader)
    except UnicodeDecodeError as exc:
        raise EditionError(f"无法读取版式文件 {path}：第 {exc.start + 1} 个字节起不是 UTF-8 编码的文字。请用 UTF-8 编码保存版式文件。") from exc
    except yaml.YAMLError as exc:
        raise EditionError(f"版式文件 {path} 不是有效的 YAML：{exc}") from exc
    try:
        return Edition.model_validate(raw)
    except ValidationError as exc:
        details = "；".join(f"{'.'.join(map(str, e['loc'])) or '（根）'}：{_explain(e)}" for e in exc.errors())
        raise EditionError(f"版式文件 {path} 有误：{details}") from exc


def _explain(error: ErrorDetails) -> str:
    """A pydantic validation error said in Chinese (the model's own checks already are)."""
    ctx = error.get("ctx") or {}
    expected = str(ctx.get("expected") or ctx.get("expected_tags") or "").replace("' or '", "、").replace("', '", "、").replace("'", "")
    messages = {
        "missing": "缺少这一项",
        "extra_forbidden": "不认识的键（请对照 docs/editions.md 检查拼写）",
        "literal_error": f"只能是 {expected}",
        "enum": f"只能是 {expected}",
        "union_tag_invalid": f"kind 只能是 {expected}",
        "union_tag_not_found": "缺少 kind",
        "too_short": "至少要有一项",
        "string_type": "应为文字",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "float_parsing": "应为数值",
        "bool_parsing": "应为 true 或 false",
        "tuple_type": "应为列表",
        "dict_type": "应为键值表",
        "model_type": "应为键值表",
    }
    if error["type"] == "value_error":
        return str(ctx.get("error", error["msg"]))
    return messages.get(error["type"], f"取值不符合要求（{error['msg']}）")
