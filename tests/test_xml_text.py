"""xml_text escapes as xml.sax.saxutils does (which the tool no longer imports, see its docstring)."""

from __future__ import annotations

from xml.dom import minidom
from xml.sax.saxutils import escape as sax_escape
from xml.sax.saxutils import quoteattr as sax_quoteattr

from hypothesis import given
from hypothesis import strategies as st

from vqr_author.xml_text import escape, quoteattr

XML_CHARS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"))


@given(XML_CHARS)
def test_character_data_is_escaped_like_saxutils(text):
    assert escape(text) == sax_escape(text)


@given(XML_CHARS)
def test_an_attribute_reads_back_as_written(text):
    if '"' not in text:
        assert quoteattr(text) == sax_quoteattr(text)
    legal = all(c in "\t\n\r" or c >= " " for c in text)
    if legal:
        assert minidom.parseString(f"<x a={quoteattr(text)}/>").documentElement.getAttribute("a") == text
