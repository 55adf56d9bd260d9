"""Keep Python's warnings and third-party log messages off the user's terminal.

The users are teachers and office staff: everything they see is Chinese and actionable. Warnings
from the libraries we use (openpyxl, docxtpl, Pillow …) are for developers; the test suite
turns warnings raised through our code into errors (pyproject: filterwarnings), so they are fixed
there, and the command line never shows them. Called by the `vqr` entry point and in each batch
worker process (which, depending on the start method, does not inherit the parent's filters).
"""

from __future__ import annotations

import logging
import warnings

THIRD_PARTY_LOGGERS = ("PIL", "docxtpl", "openpyxl")


def quiet() -> None:
    warnings.simplefilter("ignore")
    # Where no handler is configured, logging prints WARNING and above to stderr (its "last resort"),
    # in English, for developers. A handler that drops them stops that;
    # records still reach handlers an embedding program configures on the root logger.
    for name in THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
