"""Reproducible .docx bytes: the same content always gives the same file.

Fixed timestamps and attributes in the zip, entries in the order python-docx gives them; XML parts
deflated, media (already compressed JPEG/PNG) stored as they are, which also saves the time of
compressing them again.
"""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.create_system = 0
    return info


class DeterministicZip:
    """A zip writer with the interface python-docx's package writer expects (write(pack_uri, blob))."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w")

    def write(self, pack_uri, blob: bytes) -> None:  # noqa: ANN001 — a docx.opc.packuri.PackURI
        self.add(pack_uri.membername, blob)

    def add(self, name: str, data: bytes) -> None:
        self._zip.writestr(_info(name), data)

    def close(self) -> None:
        self._zip.close()


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a .docx (zip) deterministically, keeping the entry order."""
    out = io.BytesIO()
    writer = DeterministicZip(out)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for item in src.infolist():
            writer.add(item.filename, src.read(item.filename))
    writer.close()
    return out.getvalue()
