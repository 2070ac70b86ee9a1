#!/usr/bin/env python3
"""Build the generated files of the bundled (fictional) example corpus.

Reads the hand-written sources in ``examples/sources/`` and writes, into ``examples/corpus/``:

* ``gulfhorizon_alsumud_capture.warc.gz``: a ``warcinfo`` record, then for each source page a ``request``
  record and a ``response`` record whose HTTP payload is the page's HTML;
* ``rafidain_tarmiyah_followup.txt.gz``: a gzipped plain-text report.

The output is byte-for-byte reproducible: WARC dates, record ids and HTTP dates are fixed, and gzip headers
carry no timestamp or file name. Run it from anywhere::

    .venv/bin/python scripts/make_example_corpus.py [--check]

``--check`` rebuilds in memory and exits non-zero if the files on disk differ, or if ``examples/expected.json``
does not match the corpus (every claim anchor must occur in its document's visible text, every report must name a
listed document, and HTML comment counts must agree). Useful in CI.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import logging
import re
import sys
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

logger = logging.getLogger(__name__)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SOURCES = EXAMPLES / "sources"
CORPUS = EXAMPLES / "corpus"

EXPECTED = EXAMPLES / "expected.json"
WARC_NAME = "gulfhorizon_alsumud_capture.warc.gz"
TXT_GZ_SOURCE = "rafidain_tarmiyah_followup.txt"

# Fixed namespace so record ids are stable across runs (uuid5 of the target URI and record type).
_ID_NAMESPACE = uuid.UUID("6f1d3c2a-8b7e-5a41-9c0d-2e4f6a8b0c1d")


@dataclass(frozen=True, slots=True)
class Capture:
    """One page to archive: its source file, the URL it is archived under, and the crawl time."""

    source: str
    uri: str
    warc_date: str  # ISO 8601, UTC, as WARC-Date wants it
    http_date: str  # RFC 7231, the server's Date header


CAPTURES: tuple[Capture, ...] = (
    Capture(
        source="gulfhorizon_ariha.html",
        uri="https://gulfhorizon.example/news/2024/3/14/ariha-market-strike-toll-rises",
        warc_date="2024-03-15T06:00:00Z",
        http_date="Fri, 15 Mar 2024 06:00:00 GMT",
    ),
    Capture(
        source="alsumud_harib.html",
        uri="https://alsumud.example/news/2024/11/08/liberation-three-hills-harib",
        warc_date="2024-11-09T06:00:00Z",
        http_date="Sat, 09 Nov 2024 06:00:00 GMT",
    ),
)

WARCINFO_DATE = "2024-11-09T06:00:00Z"


def _record_id(*parts: str) -> str:
    """Deterministic WARC-Record-ID for the given identifying parts."""
    return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, '|'.join(parts))}>"


def build_warc(captures: tuple[Capture, ...] = CAPTURES, sources: Path = SOURCES) -> bytes:
    """Build the example WARC (gzipped per record) in memory.

    Args:
        captures: Pages to archive, in order.
        sources: Folder holding the source HTML files.

    Returns:
        The bytes of a ``.warc.gz`` file with one ``warcinfo`` record and a request/response pair per page.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)

    info = (
        "software: corroborator scripts/make_example_corpus.py (warcio)\r\n"
        "format: WARC File Format 1.0\r\n"
        "description: FICTIONAL EXAMPLE - invented for corroborator's tests. Not a real crawl.\r\n"
        "isPartOf: corroborator-example-corpus\r\n"
    ).encode("utf-8")
    warcinfo = writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(info),
        length=len(info),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": _record_id("warcinfo", WARC_NAME),
            "WARC-Date": WARCINFO_DATE,
            "WARC-Filename": WARC_NAME,
        },
    )
    writer.write_record(warcinfo)

    for cap in captures:
        html = (sources / cap.source).read_bytes()
        host = cap.uri.split("/")[2]
        path = "/" + cap.uri.split("/", 3)[3]
        response_id = _record_id("response", cap.uri)

        req_headers = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [("Host", host), ("User-Agent", "corroborator-example-crawler/1.0"), ("Accept", "text/html")],
            protocol="HTTP/1.1",
            is_http_request=True,
        )
        request = writer.create_warc_record(
            cap.uri,
            "request",
            http_headers=req_headers,
            warc_headers_dict={
                "WARC-Record-ID": _record_id("request", cap.uri),
                "WARC-Date": cap.warc_date,
                "WARC-Concurrent-To": response_id,
            },
        )
        resp_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Date", cap.http_date),
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(html))),
            ],
            protocol="HTTP/1.1",
        )
        response = writer.create_warc_record(
            cap.uri,
            "response",
            payload=io.BytesIO(html),
            length=len(html),
            http_headers=resp_headers,
            warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Date": cap.warc_date},
        )
        writer.write_record(request)
        writer.write_record(response)
        logger.info("archived %s as %s", cap.source, cap.uri)
    return out.getvalue()


def build_txt_gz(source: Path = SOURCES / TXT_GZ_SOURCE) -> bytes:
    """Gzip a plain-text source deterministically (no file name, mtime 0).

    Args:
        source: The UTF-8 text file to compress.

    Returns:
        The gzip bytes.
    """
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(source.read_bytes())
    return out.getvalue()


def outputs() -> dict[Path, bytes]:
    """All generated files, keyed by destination path."""
    return {
        CORPUS / WARC_NAME: build_warc(),
        CORPUS / (TXT_GZ_SOURCE + ".gz"): build_txt_gz(),
    }


class _VisibleText(HTMLParser):
    """Collects the text of an HTML page outside script/style, for anchor checks only."""

    _SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.comments = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "comment" in classes:
            self.comments += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _squash(text: str) -> str:
    """Collapse whitespace so anchors match across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def _document_text(file: str, locator: str | None, encoding: str) -> tuple[str, int | None]:
    """Visible text of one corpus document and, for HTML, its number of comments."""
    path = CORPUS / file
    if file.endswith(".warc.gz"):
        from warcio.archiveiterator import ArchiveIterator

        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if locator == f"record {rec.rec_headers.get_header('WARC-Record-ID')}":
                    raw = rec.content_stream().read().decode("utf-8")
                    break
            else:
                raise KeyError(f"{file}: no {locator}")
    elif file.endswith(".jsonl"):
        line = int(str(locator).split()[1])
        raw = json.loads(path.read_text(encoding="utf-8").splitlines()[line - 1])["text"]
    elif file.endswith(".csv"):
        row = int(str(locator).split()[1])
        with path.open(encoding="utf-8", newline="") as fh:
            raw = list(csv.DictReader(fh))[row - 1]["article_content"]
    elif file.endswith(".gz"):
        raw = gzip.decompress(path.read_bytes()).decode(encoding)
    else:
        raw = path.read_bytes().decode(encoding)
    if file.endswith((".html", ".htm", ".warc.gz")):
        parser = _VisibleText()
        parser.feed(raw)
        return _squash("".join(parser.parts)), parser.comments
    return _squash(raw), None


def check_expected(expected_path: Path = EXPECTED) -> list[str]:
    """Problems between ``expected.json`` and the corpus on disk (empty when consistent).

    Args:
        expected_path: The expected-facts file.

    Returns:
        One message per problem.
    """
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    docs = {(d["file"], d["locator"]): d for d in expected["documents"]}
    texts: dict[tuple[str, str | None], str] = {}
    for key, doc in docs.items():
        text, comments = _document_text(doc["file"], doc["locator"], doc["encoding"])
        texts[key] = text
        if comments is not None and comments != doc["comment_count"]:
            problems.append(f"{key}: {comments} HTML comments, expected.json says {doc['comment_count']}")
        if "FICTIONAL EXAMPLE" not in text and "FICTIONAL EXAMPLE" not in (CORPUS / doc["file"]).name:
            problems.append(f"{key}: no FICTIONAL EXAMPLE marker in the visible text")
    reported = set()
    for incident in expected["incidents"]:
        for report in incident["reports"]:
            key = (report["file"], report["locator"])
            reported.add(key)
            if key not in texts:
                problems.append(f"{incident['key']}: report {key} is not in documents")
                continue
            for claim in report["claims"]:
                if _squash(claim["anchor"]) not in texts[key]:
                    problems.append(f"{incident['key']} {key}: anchor not found: {claim['anchor']!r}")
    problems.extend(f"document {key} belongs to no incident report" for key in docs.keys() - reported)
    listed = {d["file"] for d in expected["documents"]}
    problems.extend(f"corpus file {p.name} missing from documents" for p in CORPUS.iterdir() if p.name not in listed)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the generated example files; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the files on disk instead of writing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    stale = []
    for path, data in outputs().items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.write_bytes(data)
        logger.info("wrote %s (%d bytes)", path.relative_to(EXAMPLES.parent), len(data))
    if stale:
        logger.error("out of date: %s; run scripts/make_example_corpus.py", ", ".join(map(str, stale)))
    problems = check_expected() if args.check else []
    for problem in problems:
        logger.error("expected.json: %s", problem)
    if args.check and not stale and not problems:
        logger.info("generated files and expected.json are consistent with the corpus")
    return 1 if stale or problems else 0


if __name__ == "__main__":
    sys.exit(main())
