"""Stage 1 — edition data: what a report of a given national format contains."""

from vqr_author.edition.loader import DEFAULT_EDITION, available_editions, load_edition
from vqr_author.edition.model import (
    ChartLayout,
    Edition,
    Formula,
    Indicator,
    Kind,
    RecordSheet,
    Section,
    TableLayout,
)

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
