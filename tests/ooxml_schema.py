"""Validate every XML part of an OOXML package (.docx, .xlsx) against the ECMA-376 Part 4 Transitional
schemas kept in tests/ooxml-schemas, the way Word reads it: Markup Compatibility (ECMA-376 Part 3)
first — namespaces listed in mc:Ignorable are dropped, mc:AlternateContent resolved — then the schema.

    schema = compile_schema()                  # slow (about a second): once per test session
    report = validate_package(path_or_bytes, schema)
    assert not report.violations, report.describe()

Every XML part is either validated or listed in ``report.skipped`` with the reason; an XML part whose
root namespace is neither in the schemas nor in SKIPPED_ROOTS is itself a violation, so a new kind of
part can never pass unchecked. A package embedded in the package (a chart's workbook,
word/embeddings/*.xlsx) is validated part by part too, its parts named "outer!inner". Other binary
parts (images) are listed in ``report.binary``.

Run as a script to check files by hand: ``python tests/ooxml_schema.py 报告.docx 汇总.xlsx``.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "ooxml-schemas"

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
VML_LEGACY_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# Embedded OOXML packages, validated like the package that holds them.
PACKAGE_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})

# namespace → schema file; the wrapper schema imports them all, so one compiled schema validates any part
SCHEMA_FILES = {
    XML_NS: "xml.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes": "shared-commonSimpleTypes.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "shared-relationshipReference.xsd",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wml.xsd",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing": "dml-chartDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "dml-diagram.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "dml-picture.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas": "dml-lockedCanvas.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "dml-wordprocessingDrawing.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "shared-math.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/bibliography": "shared-bibliography.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml": "shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/schemaLibrary/2006/main": "shared-customXmlSchemaProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/characteristics": "shared-additionalCharacteristics.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "shared-documentPropertiesVariantTypes.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "shared-documentPropertiesCustom.xsd",
    "urn:schemas-microsoft-com:vml": "vml-main.xsd",
    "urn:schemas-microsoft-com:office:office": "vml-officeDrawing.xsd",
    "urn:schemas-microsoft-com:office:word": "vml-wordprocessingDrawing.xsd",
    "urn:schemas-microsoft-com:office:excel": "vml-spreadsheetDrawing.xsd",
    "urn:schemas-microsoft-com:office:powerpoint": "vml-presentationDrawing.xsd",
    "http://schemas.openxmlformats.org/presentationml/2006/main": "pml.xsd",
    CONTENT_TYPES_NS: "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/package/2006/digital-signature": "opc-digSig.xsd",
    "http://purl.org/dc/elements/1.1/": "dc.xsd",
    "http://purl.org/dc/terms/": "dcterms.xsd",
    "http://purl.org/dc/dcmitype/": "dcmitype.xsd",
}
# Prefixes for readable messages ("w:ind" rather than "{http://…/wordprocessingml/2006/main}ind").
PREFIXES = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "x",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
    "http://schemas.openxmlformats.org/package/2006/relationships": "rel",
    CONTENT_TYPES_NS: "ct",
    "urn:schemas-microsoft-com:vml": "v",
    "urn:schemas-microsoft-com:office:office": "o",
    "urn:schemas-microsoft-com:office:excel": "xv",
}
# A consumer that applies Markup Compatibility understands exactly the namespaces it has schemas for.
UNDERSTOOD = frozenset(SCHEMA_FILES) | {MC}

# XML parts that have no ECMA-376 schema, by the namespace of their root element, with the reason.
SKIPPED_ROOTS: dict[str, str] = {
    # none of the files the tool writes has one today; add here, with the reason, if one ever does
}


def compile_schema() -> etree.XMLSchema:
    """One schema that validates a part of any namespace above (each .xsd resolves its own imports
    from the same folder)."""
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(SCHEMA_DIR / name).as_uri()}"/>'
        for ns, name in SCHEMA_FILES.items()
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=(SCHEMA_DIR / "all.xsd").as_uri()))


# ------------------------------------------------------------------------------------ markup compatibility
def _namespaces(element: etree._Element, attribute: str) -> set[str]:
    """The namespaces named by prefix in mc:Ignorable or in mc:Choice's (unqualified) Requires; a
    prefix that is not declared stands for a namespace nobody understands."""
    prefixes = (element.get(attribute) or "").split()
    return {element.nsmap.get(p, f"undeclared prefix {p}") for p in prefixes}


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _choose(alternate: etree._Element) -> list[etree._Element]:
    """The content of the first mc:Choice whose required namespaces are all understood, else mc:Fallback."""
    for branch in alternate:
        if branch.tag == f"{{{MC}}}Choice" and _namespaces(branch, "Requires") <= UNDERSTOOD:
            return list(branch)
        if branch.tag == f"{{{MC}}}Fallback":
            return list(branch)
    return []


def _replace(element: etree._Element, children: list[etree._Element]) -> None:
    parent = element.getparent()
    index = parent.index(element)
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def apply_markup_compatibility(element: etree._Element, ignorable: frozenset[str] = frozenset(),
                               process_content: frozenset[str] = frozenset()) -> None:
    """ECMA-376 Part 3 §10, in place: drop ignorable elements (keeping the content of those marked
    mc:ProcessContent) and attributes, resolve mc:AlternateContent, remove the mc attributes."""
    ignorable = ignorable | (_namespaces(element, f"{{{MC}}}Ignorable") - UNDERSTOOD)
    process_content = process_content | {  # qualified names "w14:name"; kept per namespace
        element.nsmap.get(token.split(":")[0]) for token in (element.get(f"{{{MC}}}ProcessContent") or "").split()
    } & ignorable
    for name in list(element.attrib):
        ns = _ns(name)
        if ns == MC or ns in ignorable:
            del element.attrib[name]
    index = 0
    while index < len(element):
        child = element[index]
        if not isinstance(child.tag, str):  # comment or processing instruction
            index += 1
            continue
        ns = _ns(child.tag)
        if child.tag == f"{{{MC}}}AlternateContent":
            _replace(child, _choose(child))
            continue  # look at what took its place
        if ns in ignorable:
            if ns in process_content:
                _replace(child, list(child))
            else:
                element.remove(child)
            continue
        apply_markup_compatibility(child, ignorable, process_content)
        index += 1


# ------------------------------------------------------------------------------------------- validation
@dataclass(frozen=True)
class Violation:
    part: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.part}:{self.line} {self.path}: {self.message}"


@dataclass
class PackageReport:
    name: str
    validated: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # part → reason
    binary: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"{self.name}: {len(self.validated)} XML parts validated, {len(self.violations)} violations"]
        lines += [f"  {v}" for v in self.violations]
        lines += [f"  skipped {part}: {reason}" for part, reason in self.skipped.items()]
        return "\n".join(lines)


def _content_types(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    root = etree.fromstring(zf.read("[Content_Types].xml"))
    defaults = {e.get("Extension").lower(): e.get("ContentType") for e in root.iter(f"{{{CONTENT_TYPES_NS}}}Default")}
    overrides = {e.get("PartName").lstrip("/"): e.get("ContentType") for e in root.iter(f"{{{CONTENT_TYPES_NS}}}Override")}
    return defaults, overrides


def _is_xml(name: str, content_type: str) -> bool:
    return (name == "[Content_Types].xml" or content_type.endswith("+xml")
            or content_type in ("application/xml", "text/xml", VML_LEGACY_TYPE))


def _errors(part: str, schema: etree.XMLSchema, node) -> list[Violation]:  # noqa: ANN001
    if schema.validate(node):
        return []
    return [Violation(part, e.line, e.path or "", _short(e.message)) for e in schema.error_log]


def _short(message: str) -> str:
    for ns, prefix in PREFIXES.items():
        message = message.replace(f"{{{ns}}}", f"{prefix}:")
    return message


def validate_part(part: str, data: bytes, schema: etree.XMLSchema) -> tuple[list[Violation], str | None]:
    """(violations, reason it was skipped or None) of one XML part."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        return [Violation(part, exc.lineno or 0, "", f"not well-formed XML: {exc}")], None
    root = tree.getroot()
    apply_markup_compatibility(root)
    ns = _ns(root.tag)
    if ns in SCHEMA_FILES:
        return _errors(part, schema, tree), None
    if ns == "" and root.tag == "xml":
        # A legacy VML drawing (cell comments' shapes) is a bare <xml> wrapper; ECMA-376 defines
        # only the VML and Office shapes inside it, so each of those is validated on its own.
        found = []
        for child in root:
            if not isinstance(child.tag, str):
                continue
            if _ns(child.tag) not in SCHEMA_FILES:
                found.append(Violation(part, child.sourceline or 0, child.tag, "element of a namespace without a schema"))
            else:
                found += _errors(part, schema, child)
        return found, None
    if ns in SKIPPED_ROOTS:
        return [], SKIPPED_ROOTS[ns]
    return [Violation(part, root.sourceline or 0, root.tag, "root element in a namespace without an ECMA-376 schema")], None


def validate_package(source: Path | bytes, schema: etree.XMLSchema, name: str | None = None) -> PackageReport:
    data = source.read_bytes() if isinstance(source, Path) else source
    report = PackageReport(name or (source.name if isinstance(source, Path) else "package"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        defaults, overrides = _content_types(zf)
        for info in zf.infolist():
            part = info.filename
            if part.endswith("/"):
                continue
            content_type = overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1].lower(), "")
            if content_type in PACKAGE_TYPES:
                inner = validate_package(zf.read(part), schema, part)
                report.validated += [f"{part}!{name}" for name in inner.validated]
                report.skipped.update({f"{part}!{name}": why for name, why in inner.skipped.items()})
                report.binary += [f"{part}!{name}" for name in inner.binary]
                report.violations += [replace(v, part=f"{part}!{v.part}") for v in inner.violations]
                continue
            if not _is_xml(part, content_type):
                if not content_type:
                    report.violations.append(Violation(part, 0, "", "part without a content type"))
                report.binary.append(part)
                continue
            violations, skipped = validate_part(part, zf.read(part), schema)
            if skipped:
                report.skipped[part] = skipped
            else:
                report.validated.append(part)
            report.violations += violations
    return report


def main(paths: list[str]) -> int:
    schema = compile_schema()
    bad = 0
    for path in paths:
        report = validate_package(Path(path), schema)
        print(report.describe())
        bad += bool(report.violations)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
