"""OPML import and export of feed subscriptions.

Parsed with defusedxml: OPML files come from users, and entity expansion (billion laughs) or
external entities (XXE, reading local files) must be refused, not evaluated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import defusedxml
import defusedxml.ElementTree as SafeET


@dataclass(frozen=True)
class OutlineFeed:
    url: str
    title: str | None = None


_HTTP = ("http://", "https://")


class OpmlError(ValueError):
    """The document is not usable OPML, or it is hostile XML."""


def _attr(element: ET.Element, name: str) -> str | None:
    # OPML in the wild spells xmlUrl as xmlurl, XMLURL...: match attribute names loosely.
    wanted = name.lower()
    for key, value in element.attrib.items():
        if key.lower() == wanted and value.strip():
            return value.strip()
    return None


def parse_opml(data: bytes) -> list[OutlineFeed]:
    """Every outline with an http(s) ``xmlUrl``, at any nesting depth, first title wins."""
    return [f for f in parse_opml_outlines(data) if f.url.lower().startswith(_HTTP)]


def parse_opml_outlines(data: bytes) -> list[OutlineFeed]:
    """Every outline with an ``xmlUrl`` of any scheme (ftp:, javascript:, broken ones), for
    an import that reports what it cannot subscribe to instead of dropping it silently."""
    try:
        # A bare <!DOCTYPE> is harmless and seen in exports; entity declarations and external
        # references are what the attacks need, and defusedxml refuses those by default.
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise OpmlError(
            f"OPML refused: it declares entities or external references ({exc!r})"
        ) from None
    except ET.ParseError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML document: the root element is <{root.tag}>")
    body = root.find("body")
    if body is None:
        raise OpmlError("OPML has no <body>")
    feeds: dict[str, OutlineFeed] = {}
    for outline in body.iter("outline"):
        url = _attr(outline, "xmlUrl")
        if url is not None and url not in feeds:
            title = _attr(outline, "title") or _attr(outline, "text")
            feeds[url] = OutlineFeed(url=url, title=title)
    return list(feeds.values())


def render_opml(feeds: Sequence[OutlineFeed], *, title: str) -> bytes:
    """An OPML 2.0 document listing ``feeds`` (flat: Ceasewatch has no folders)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        text = feed.title or feed.url
        ET.SubElement(body, "outline", type="rss", text=text, title=text, xmlUrl=feed.url)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
