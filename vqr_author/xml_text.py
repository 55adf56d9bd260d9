"""Text in XML written by hand (render.ooxml, output.sheets): escaped character data and quoted
attribute values, with the same rules as xml.sax.saxutils — whose module imports urllib.request and
with it http and email, a few tens of milliseconds that `vqr --help` and a batch re-run would pay."""

from __future__ import annotations


def escape(text: str) -> str:
    """``text`` as character data: &, < and > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted attribute value; line breaks and tabs kept as character references
    (a parser would otherwise normalise them to spaces)."""
    value = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return '"' + value.replace('"', "&quot;") + '"'
