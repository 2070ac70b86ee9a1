"""Random input never crashes ``ingest()`` + ``clean()``: every item is a RawDocument or a Reject."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborator.clean import clean
from corroborator.ingest import IngestOptions, ingest
from corroborator.records import Article, RawDocument, Reject

# Examples per property; raise for a deep run: CORROBORATOR_HYPOTHESIS_EXAMPLES=2000 pytest tests/property
EXAMPLES = int(os.environ.get("CORROBORATOR_HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".txt", ".html", ".jsonl", ".csv", ".tsv", ".warc", ".txt.gz", ".jsonl.gz", ".csv.gz", ".warc.gz",
            ".html.gz", ".bin"]
# Byte strings that look like the start of real formats, so random tails reach deeper code paths.
PREFIXES = [b"", b"\x1f\x8b\x08\x00", b"WARC/1.0\r\n", b"<html><body><p>", b'{"text": "', b"text,title\n",
            b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF-1.4\n"]


def _ingest_and_clean(name: str, data: bytes, opts: IngestOptions | None = None) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(ingest([path], opts or IngestOptions(max_bytes=1 << 20)))
        for item in items:
            assert isinstance(item, (RawDocument, Reject)), item
            if isinstance(item, Reject):
                assert item.reason and item.provenance.path.endswith(name)
            else:
                result = clean(item)
                assert isinstance(result.article, Article)
                text = result.article.body.text
                assert isinstance(text, str)
        return items


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=3000))
def test_random_bytes_never_crash(suffix: str, prefix: bytes, tail: bytes) -> None:
    _ingest_and_clean("random" + suffix, prefix + tail)


@SETTINGS
@given(tail=st.binary(max_size=2000))
def test_gzip_of_random_bytes_never_crash(tail: bytes) -> None:
    data = gzip.compress(tail)
    for suffix in (".txt.gz", ".jsonl.gz", ".csv.gz", ".warc.gz"):
        _ingest_and_clean("packed" + suffix, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=200),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10)
keys = st.sampled_from(["text", "title", "url", "date", "source", "body", "headline", "x", "TEXT", ""]) | st.text(max_size=8)


@SETTINGS
@given(records=st.lists(st.dictionaries(keys, json_values, max_size=6) | json_values, max_size=8))
def test_random_json_lines_never_crash(records: list) -> None:
    data = "\n".join(json.dumps(r) for r in records).encode()
    items = _ingest_and_clean("records.jsonl", data)
    non_blank = [r for r in records if json.dumps(r).strip()]
    # one item per line: a document or a reject (never silently dropped)
    assert len(items) == len(non_blank)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@SETTINGS
@given(header=st.lists(st.sampled_from(["text", "title", "date", "url", "notes", "x", "y", "Text"]) | cells,
                       min_size=1, max_size=5),
       rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_csv_tables_never_crash(header: list[str], rows: list[list[str]], delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    _ingest_and_clean("table.csv", buffer.getvalue().encode("utf-8", errors="surrogatepass"))


@SETTINGS
@given(text=st.text(max_size=3000))
def test_random_unicode_text_never_crash(text: str) -> None:
    for suffix in (".txt", ".html"):
        _ingest_and_clean("doc" + suffix, text.encode("utf-8", errors="surrogatepass"))
