"""Stage 1 — edition data: what a report of a given national format contains.

The model classes load on first use: `vqr --help` and a batch's parent process name the default
edition without paying for the pydantic model (docs/performance.md).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from vqr_author.edition.loader import DEFAULT_EDITION, available_editions, load_edition

if TYPE_CHECKING:
    from vqr_author.edition.model import ChartLayout, Edition, Formula, Indicator, Kind, RecordSheet, Section, TableLayout

_MODEL = ("ChartLayout", "Edition", "Formula", "Indicator", "Kind", "RecordSheet", "Section", "TableLayout")


def __getattr__(name: str) -> Any:
    if name in _MODEL:
        return getattr(import_module("vqr_author.edition.model"), name)
    raise AttributeError(f"module 'vqr_author.edition' has no attribute {name!r}")


__all__ = [
    "ChartLayout",
    "DEFAULT_EDITION",
    "Edition",
    "Formula",
    "Indicator",
    "Kind",
    "RecordSheet",
    "Section",
    "TableLayout",
    "available_editions",
    "load_edition",
]
