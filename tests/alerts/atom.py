"""RFC 4287's rules for an Atom feed, as its RelaxNG schema and section 4 state them, checked
one by one (no RelaxNG validator is installed)."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 date-time with a time zone, as atomDateConstruct requires (3.3).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _one(element, name, where):
    found = element.findall(ATOM + name)
    assert len(found) == 1, f"{where} must have exactly one atom:{name}, has {len(found)}"
    return found[0]


def _date(element, name, where):
    text = _one(element, name, where).text or ""
    assert RFC3339.match(text), f"{where} atom:{name} {text!r} is not an RFC 3339 date-time"
    return text


def _iri(text, where):
    assert urlsplit(text or "").scheme, f"{where} atom:id {text!r} is not an absolute IRI"


def _authors_named(element):
    authors = element.findall(ATOM + "author")
    for author in authors:
        name = author.find(ATOM + "name")
        assert name is not None and (name.text or "").strip(), "atom:author needs a name"
    return bool(authors)


def _links(element, where):
    alternates = set()
    for link in element.findall(ATOM + "link"):
        assert link.get("href"), f"{where} atom:link needs href"
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            assert key not in alternates, f"{where} has two alternate links of one type"
            alternates.add(key)
    return alternates


def assert_valid_atom(body):
    """The parsed feed, after checking the required members of atom:feed (4.1.1) and
    atom:entry (4.1.2): one id, title and updated each; an author on the feed unless every
    entry has one; an alternate link on an entry without content; a summary where content
    is not inline text."""
    feed = ET.fromstring(body)
    assert feed.tag == ATOM + "feed", feed.tag
    _iri(_one(feed, "id", "feed").text, "feed")
    _one(feed, "title", "feed")
    _date(feed, "updated", "feed")
    _links(feed, "feed")
    feed_has_author = _authors_named(feed)
    for number, entry in enumerate(feed.findall(ATOM + "entry"), start=1):
        where = f"entry {number}"
        _iri(_one(entry, "id", where).text, where)
        assert (_one(entry, "title", where).text or "").strip(), f"{where} has an empty title"
        _date(entry, "updated", where)
        if entry.find(ATOM + "published") is not None:
            _date(entry, "published", where)
        assert feed_has_author or _authors_named(entry), f"{where} has no author (4.1.1)"
        alternates = _links(entry, where)
        content = entry.find(ATOM + "content")
        assert content is not None or alternates, f"{where} needs content or an alternate link"
        if content is not None and (
            content.get("src") or content.get("type") not in (None, "text", "html", "xhtml")
        ):
            _one(entry, "summary", where)
    return feed
