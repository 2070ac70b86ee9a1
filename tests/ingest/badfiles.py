"""Bad inputs shared by the ingest tests and the CLI tests (one ``Case`` per kind of damage).

Every case is a small folder of files: one bad file and what reading it must produce (a reject or
a kept-with-warning document, the locator it names, the words of its reason). All text here is
written for these tests.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD_NAME = "good_report.txt"
GOOD_TEXT = (
    "Ferry service resumes across the estuary\n\n"
    "The ferry between the two harbour towns ran again on Tuesday after a week of repairs to the pier.\n"
    "Harbour officials said the crossing would run every hour until the end of the month.\n"
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"


def png_bytes() -> bytes:
    """A PNG-looking blob: signature, header chunk and deterministic binary noise."""
    noise = bytes((i * 73 + 41) % 256 for i in range(4096))
    return PNG_HEADER + noise


def article_lines(n: int, tag: str = "") -> list[str]:
    return [f"Line {i}{tag}: the relief convoy crossed the river at dawn and unloaded grain at the depot."
            for i in range(n)]


def jsonl_records(n: int) -> list[str]:
    return [json.dumps({"title": f"Harbour bulletin number {i}",
                        "text": f"Bulletin {i}. " + "The harbour master said the pier repairs were on schedule. " * 8,
                        "url": f"https://www.harbour-news.example/b/{i}"}) for i in range(n)]


def cut_gzip(data: bytes, share: float = 0.5) -> bytes:
    packed = gzip.compress(data, compresslevel=6)
    return packed[: int(len(packed) * share)]


def invalid_utf8_text() -> bytes:
    """A UTF-8 article (with accents and typographic quotes) damaged by a few bytes invalid in UTF-8."""
    good = ("Café owners in the old town said the convoy’s arrival — at dawn — surprised them.\n"
            "The mayor’s office confirmed that the road to the coast would reopen on Friday.\n")
    return ("Road to the coast to reopen\n\n" + good).encode("utf-8") + b"A damaged line \xff\xfe here \xc3 and.\n" \
        + good.encode("utf-8")


def deep_html(depth: int = 5000) -> bytes:
    para = "<p>The regional council said the flooded road would stay closed for three more days while engineers inspected the bridge.</p>"
    return ("<html><head><title>Flooded road stays closed</title></head><body>" + "<div>" * depth + para
            + "</div>" * depth + "</body></html>").encode()


def warc_records(n: int = 4, gz: bool = False) -> tuple[bytes, list[int], list[str]]:
    """A WARC of ``n`` HTML response records; returns its bytes, record offsets and record ids."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets, ids = [], []
    for i in range(n):
        paras = "".join(f"<p>Paragraph {j} of page {i}: the ferry service resumed after the pier repairs were "
                        f"finished and the harbour reopened to fishing boats.</p>" for j in range(6))
        html = (f"<html><head><title>Harbour page {i}</title></head><body><article><h1>Harbour page {i}</h1>"
                f"{paras}</article></body></html>")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(f"https://www.harbour-news.example/page/{i}", "response",
                                           payload=io.BytesIO(html.encode()), http_headers=headers)
        offsets.append(buf.tell())
        ids.append(record.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(record)
    offsets.append(buf.tell())
    return buf.getvalue(), offsets, ids


def warc_garbage_record(gz: bool) -> bytes:
    """Four records; the third one's header overwritten with garbage."""
    data, offsets, _ids = warc_records(4, gz)
    damaged = bytearray(data)
    damaged[offsets[2]:offsets[2] + 8] = b"GARBAGE!"
    return bytes(damaged)


def warc_cut_record(gz: bool) -> bytes:
    """Four records, the file cut in the middle of the third."""
    data, offsets, _ids = warc_records(4, gz)
    return data[: offsets[2] + (offsets[3] - offsets[2]) // 2]


@dataclass(frozen=True)
class Case:
    """One bad input and what reading it must give."""

    id: str
    name: str  # the bad file's name
    make: Callable[[], bytes]
    severity: str  # "error": a reject, nothing stored from that item; "warning": stored with a warning
    reason: str  # regex the reason must match (case-insensitive)
    locator: str | None = None  # regex the reject's locator must match, None: the whole file
    min_stored: int = 0  # documents from the bad file that must be stored
    max_stored: int | None = None
    max_bytes: int | None = None


CASES: list[Case] = [
    Case("binary", "photo_of_the_pier.txt", png_bytes, "error", r"binary", max_stored=0),
    Case("empty", "empty_report.txt", lambda: b"", "error", r"empty", max_stored=0),
    Case("invalid_utf8", "damaged_bytes.txt", invalid_utf8_text, "warning", r"invalid|U\+FFFD|undecodable",
         min_stored=1, max_stored=1),
    Case("truncated_txt_gz", "long_report.txt.gz",
         lambda: cut_gzip("\n".join(["Convoy reaches the depot", ""] + article_lines(3000)).encode()),
         "warning", r"truncat|corrupt", min_stored=1, max_stored=1),
    Case("truncated_jsonl_gz", "bulletins.jsonl.gz", lambda: cut_gzip("\n".join(jsonl_records(300)).encode()),
         "error", r"truncat|corrupt", min_stored=10, max_stored=299),
    Case("malformed_jsonl_line", "feed.jsonl",
         lambda: "\n".join([jsonl_records(3)[0], '{"title": "broken", "text": ', jsonl_records(3)[2]]).encode(),
         "error", r"malformed JSON|JSON", locator=r"^line 2$", min_stored=2, max_stored=2),
    Case("csv_without_text_column", "table.csv", lambda: b"alpha,beta,gamma\n1,2,3\n4,5,6\n", "error",
         r"no text column.*alpha.*beta.*gamma", max_stored=0),
    Case("warc_garbage_record", "crawl.warc", lambda: warc_garbage_record(False), "error", r"broken|invalid|WARC",
         locator=r"record", min_stored=2, max_stored=2),
    Case("warc_gz_garbage_record", "crawl.warc.gz", lambda: warc_garbage_record(True), "error",
         r"broken|invalid|WARC", locator=r"record", min_stored=2, max_stored=2),
    Case("warc_cut_record", "cut_crawl.warc", lambda: warc_cut_record(False), "error",
         r"truncat|broken|incomplete|WARC", locator=r"record", min_stored=2, max_stored=2),
    Case("warc_gz_cut_record", "cut_crawl.warc.gz", lambda: warc_cut_record(True), "error",
         r"truncat|broken|incomplete|corrupt|WARC", locator=r"record", min_stored=2, max_stored=2),
    Case("deep_html", "deep_page.html", deep_html, "warning", r"nested|deep|fallback", min_stored=1, max_stored=1),
    Case("over_max_bytes", "too_long.txt", lambda: "\n".join(article_lines(200)).encode(), "error",
         r"size limit of 5,000 bytes|5,?000", max_stored=0, max_bytes=5000),
]

CASE_IDS = [c.id for c in CASES]


def write_case(case: Case, folder: Path, with_good: bool = True) -> Path:
    """Write the case's bad file (and a good document beside it) into ``folder``; returns the bad file."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / case.name
    bad.write_bytes(case.make())
    if with_good:
        (folder / GOOD_NAME).write_text(GOOD_TEXT, encoding="utf-8")
    return bad


def printable(line: str) -> bool:
    """No control characters (other than tab) in a line meant for a person."""
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line)
