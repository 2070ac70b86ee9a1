"""Readers for every input format; each yields ``RawDocument`` or ``Reject`` and never raises on bad input.

Formats are chosen by file name (``.txt``, ``.html``/``.htm``, ``.jsonl``/``.ndjson``, ``.csv``/``.tsv``,
``.warc``), any of them gzipped (``.gz``); other names are sniffed as text. Files are streamed: JSONL,
CSV and WARC one record at a time, whole-document formats up to ``max_bytes``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from corroborator.ingest.decode import decode_bytes, looks_binary
from corroborator.ingest.fields import choose_fields
from corroborator.records import InputFormat, Provenance, RawDocument, Reject

LOGGER = logging.getLogger(__name__)

# Default size limit of one document (a whole text/HTML file, one JSONL line, CSV field or
# WARC payload). Long-form articles run to ~200 KB; 20 MiB leaves room for book-length
# reports while keeping a run's memory bounded. Override with --max-bytes.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CHUNK = 1 << 16

_SUFFIXES: dict[str, InputFormat] = {
    ".txt": InputFormat.TEXT, ".text": InputFormat.TEXT, ".md": InputFormat.TEXT,
    ".html": InputFormat.HTML, ".htm": InputFormat.HTML, ".xhtml": InputFormat.HTML,
    ".jsonl": InputFormat.JSONL, ".ndjson": InputFormat.JSONL, ".json": InputFormat.JSONL,
    ".csv": InputFormat.CSV, ".tsv": InputFormat.CSV,
    ".warc": InputFormat.WARC, ".arc": InputFormat.WARC,
}


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Options of the ingest stage."""

    max_bytes: int = DEFAULT_MAX_BYTES
    fields: Mapping[str, str] = field(default_factory=dict)  # role -> column, from --field


Item = RawDocument | Reject


def doc_id_for(text: str) -> str:
    """Stable document id: the first 16 hex digits of the SHA-256 of its source text."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def format_for(path: Path) -> tuple[InputFormat | None, bool]:
    """The input format by file name, and whether it is gzipped."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    return _SUFFIXES.get(Path(name).suffix), gz


def discover(paths: list[Path]) -> Iterator[Path | Reject]:
    """Every file under the given paths (folders recursively, sorted), or a reject for a missing path."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.is_file():
            yield path
        else:
            yield Reject(Provenance(str(path)), "no such file or folder")


def read_path(path: Path, opts: IngestOptions) -> Iterator[Item]:
    """Read one file into documents and rejects."""
    fmt, gz = format_for(path)
    try:
        if fmt is InputFormat.JSONL:
            yield from _read_jsonl(path, gz, opts)
        elif fmt is InputFormat.CSV:
            yield from _read_csv(path, gz, opts)
        elif fmt is InputFormat.WARC:
            yield from _read_warc(path, opts)
        else:
            yield from _read_whole(path, gz, fmt, opts)
    except OSError as exc:
        yield Reject(Provenance(str(path)), f"cannot read file: {exc.strerror or exc}")


# --------------------------------------------------------------------- whole-file formats


def _open(path: Path, gz: bool) -> BinaryIO:
    return gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115 - caller closes


def _read_limited(path: Path, gz: bool, limit: int) -> tuple[bytes | None, str | None]:
    """Read at most ``limit`` bytes; returns (data, None), (None, reason) or, for a truncated gzip,
    (the bytes before the damage, a warning)."""
    chunks: list[bytes] = []
    total = 0
    try:
        with _open(path, gz) as handle:
            while total <= limit:
                chunk = handle.read(min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        if not b"".join(chunks).strip():
            return None, f"truncated or corrupt gzip ({exc.__class__.__name__}: {exc})"
        return b"".join(chunks), (f"truncated gzip: kept the first {total:,} bytes before the damage "
                                  "(document kept)")
    data = b"".join(chunks)
    if len(data) > limit:
        return None, (f"larger than the size limit of {limit:,} bytes (raise it with --max-bytes "
                      "or CORROBORATOR_MAX_BYTES)")
    return data, None


def _read_whole(path: Path, gz: bool, fmt: InputFormat | None, opts: IngestOptions) -> Iterator[Item]:
    prov = Provenance(str(path))
    if not gz and path.stat().st_size > opts.max_bytes:
        yield Reject(prov, f"larger than the size limit of {opts.max_bytes:,} bytes "
                           "(raise it with --max-bytes or CORROBORATOR_MAX_BYTES)")
        return
    data, problem = _read_limited(path, gz, opts.max_bytes)
    if data is None:
        yield Reject(prov, problem or "unreadable")
        return
    if problem:  # a truncated gzip: the part before the damage is kept
        yield Reject(prov, problem)
    if not data.strip():
        yield Reject(prov, "empty file")
        return
    if looks_binary(data):
        yield Reject(prov, "binary file, not text (no known text encoding fits)")
        return
    if fmt is None:
        fmt = InputFormat.HTML if _looks_like_html(data) else InputFormat.TEXT
    declared = _declared_charset(data) if fmt is InputFormat.HTML else None
    decoded = decode_bytes(data, declared)
    if decoded.replaced:
        yield Reject(prov, "invalid bytes for any text encoding were replaced by U+FFFD (document kept)")
    text = decoded.text
    if not text.strip():
        yield Reject(prov, "no text after decoding")
        return
    yield RawDocument(doc_id=doc_id_for(text), name=_base_name(path), provenance=prov, format=fmt,
                      raw_text=text, encoding=decoded.encoding)


def _base_name(path: Path) -> str:
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name


_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|p|div|article)\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


def _looks_like_html(data: bytes) -> bool:
    return bool(_HTML_SNIFF.search(data[:4096]))


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "ignore") if match else None


# --------------------------------------------------------------------- JSONL


def _read_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Lines with their numbers; an over-long line is skipped in chunks and yielded as None."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line without holding it
                rest = handle.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _read_jsonl(path: Path, gz: bool, opts: IngestOptions) -> Iterator[Item]:
    base = _base_name(path)
    try:
        with _open(path, gz) as handle:
            for number, line in _read_lines(handle, opts.max_bytes):
                prov = Provenance(str(path), f"line {number}")
                if line is None:
                    yield Reject(prov, f"line longer than the size limit of {opts.max_bytes:,} bytes")
                    continue
                if not line.strip():
                    continue
                text = decode_bytes(line).text
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield Reject(prov, f"malformed JSON ({exc.msg} at column {exc.colno})")
                    continue
                if not isinstance(record, dict):
                    yield Reject(prov, f"expected a JSON object, found {type(record).__name__}")
                    continue
                yield _record_document(record, list(record), prov, f"{base}#{number}", InputFormat.JSONL, opts)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Reject(Provenance(str(path)), f"truncated or corrupt gzip after the records read so far ({exc})")


def _record_document(record: Mapping[str, object], columns: list[str], prov: Provenance, name: str,
                     fmt: InputFormat, opts: IngestOptions) -> Item:
    chosen = choose_fields(columns, opts.fields)
    text_key = chosen["text"]
    if text_key is None:
        return Reject(prov, f"no text field among {', '.join(columns) or 'no fields'} "
                            "(name one with --field text=NAME)")
    text = record.get(text_key)
    if not isinstance(text, str) or not text.strip():
        return Reject(prov, f"empty or non-text {text_key!r} field")
    if len(text.encode("utf-8", errors="ignore")) > opts.max_bytes:
        return Reject(prov, f"text larger than the size limit of {opts.max_bytes:,} bytes")

    def meta(role: str) -> str | None:
        key = chosen[role]
        value = record.get(key) if key else None
        return str(value).strip() or None if value not in (None, "") else None

    from corroborator.clean.metadata import normalise_date, outlet_from_url  # stage-local helpers

    url = meta("url")
    outlet = meta("outlet") or outlet_from_url(url)
    return RawDocument(doc_id=doc_id_for(text), name=name, provenance=prov, format=fmt, raw_text=text,
                       title=meta("title"), url=url, outlet=outlet, published=normalise_date(meta("published")))


# --------------------------------------------------------------------- CSV


def _read_csv(path: Path, gz: bool, opts: IngestOptions) -> Iterator[Item]:
    base = _base_name(path)
    prov_file = Provenance(str(path))
    try:
        with _open(path, gz) as handle:
            head = handle.read(_CHUNK)
            if not head.strip():
                yield Reject(prov_file, "empty file")
                return
            if looks_binary(head):
                yield Reject(prov_file, "binary file, not CSV text")
                return
            encoding = decode_bytes(head[: max(1, head.rfind(b"\n"))]).encoding
            stream = io.TextIOWrapper(_Prepend(head, handle), encoding=encoding, errors="replace", newline="")
            delimiter = "\t" if path.name.lower().rstrip(".gz").endswith(".tsv") else _sniff_delimiter(head)
            csv.field_size_limit(max(opts.max_bytes, 1 << 17))
            reader = csv.reader(stream, delimiter=delimiter)
            try:
                header = next(reader)
            except StopIteration:
                yield Reject(prov_file, "empty file")
                return
            header = [h.strip().lstrip("\ufeff") for h in header]
            chosen = choose_fields(header, opts.fields)
            if chosen["text"] is None:
                yield Reject(prov_file, f"CSV has no text column (columns: {', '.join(header)}; "
                                        "name one with --field text=COLUMN)")
                return
            row_number = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    row_number += 1
                    yield Reject(Provenance(str(path), f"row {row_number}"), f"malformed CSV row: {exc}")
                    continue
                row_number += 1
                if not any(cell.strip() for cell in row):
                    continue
                prov = Provenance(str(path), f"row {row_number}")
                if len(row) != len(header):
                    yield Reject(prov, f"row has {len(row)} fields, the header has {len(header)}")
                    continue
                record = dict(zip(header, row))
                yield _record_document(record, header, prov, f"{base}#{row_number}", InputFormat.CSV, opts)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Reject(prov_file, f"truncated or corrupt gzip after the rows read so far ({exc})")


class _Prepend(io.RawIOBase):
    """A binary stream that first replays bytes already read, then continues the underlying one."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _sniff_delimiter(head: bytes) -> str:
    first = head.split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


# --------------------------------------------------------------------- WARC


def _read_warc(path: Path, opts: IngestOptions) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    base = _base_name(path)
    number = 0
    try:
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                number += 1
                if record.rec_type != "response":
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID") or f"#{number}"
                prov = Provenance(str(path), f"record {record_id}")
                ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                if ctype and "html" not in ctype.lower() and "text" not in ctype.lower():
                    continue
                payload = record.content_stream().read(opts.max_bytes + 1)
                if len(payload) > opts.max_bytes:
                    yield Reject(prov, f"payload larger than the size limit of {opts.max_bytes:,} bytes")
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:  # Content-Length not reached: cut short
                    yield Reject(prov, "truncated WARC record (the file ends inside it)")
                    continue
                if not payload.strip():
                    yield Reject(prov, "empty payload")
                    continue
                if looks_binary(payload):
                    yield Reject(prov, "binary payload, not HTML")
                    continue
                match = re.search(r"charset=([\w\-:.]+)", ctype, re.IGNORECASE)
                decoded = decode_bytes(payload, match.group(1) if match else _declared_charset(payload))
                text = decoded.text
                url = record.rec_headers.get_header("WARC-Target-URI")
                fmt = InputFormat.HTML if _looks_like_html(payload) or "html" in ctype.lower() else InputFormat.TEXT
                # no outlet from the URL here: the page's own site name, found in cleaning, is better
                yield RawDocument(doc_id=doc_id_for(text), name=f"{base}#{number}", provenance=prov,
                                  format=fmt, raw_text=text, encoding=decoded.encoding, url=url)
            size = os.fstat(handle.fileno()).st_size
            if records.offset < size:  # a compressed member cut short ends the iteration silently
                yield Reject(Provenance(str(path), f"record {number + 1}"),
                             f"truncated or corrupt WARC record: {size - records.offset:,} bytes after the "
                             "last complete record could not be read")
    except (ArchiveLoadFailed, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        reason = re.split(r"[\x00-\x1f\x7f-\x9f]", text)[0][:160]  # no binary junk in a message
        yield Reject(Provenance(str(path), f"record {number + 1}"),
                     f"broken WARC record, the rest of the file was skipped ({reason})")
