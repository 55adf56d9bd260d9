"""The one exception of the web app's actions: refused, with the HTTP status and a Chinese message."""

from __future__ import annotations

from vqr_author.errors import VqrError


class Refused(VqrError):
    """An action the desk refuses, with the HTTP status to answer and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
