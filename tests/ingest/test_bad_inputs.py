"""One test per kind of bad input, through ``ingest()`` and ``clean()`` (the CLI side is in tests/cli)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from badfiles import CASE_IDS, CASES, Case, write_case

from corroborator.clean import clean
from corroborator.ingest import IngestOptions, ingest
from corroborator.records import RawDocument, Reject


def _read(case: Case, folder: Path) -> tuple[list[RawDocument], list[Reject], list[tuple[RawDocument, str]]]:
    bad = write_case(case, folder, with_good=False)
    opts = IngestOptions(max_bytes=case.max_bytes) if case.max_bytes else IngestOptions()
    items = list(ingest([bad], opts))
    assert all(isinstance(i, (RawDocument, Reject)) for i in items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    rejects = [i for i in items if isinstance(i, Reject)]
    clean_warnings = [(d, w) for d in docs for w in clean(d).warnings]
    return docs, rejects, clean_warnings


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_bad_input_gives_one_problem_and_keeps_what_it_can(case: Case, tmp_path: Path) -> None:
    docs, rejects, clean_warnings = _read(case, tmp_path)
    problems = [(r.provenance.locator, r.reason) for r in rejects]
    problems += [(d.provenance.locator, w) for d, w in clean_warnings]
    assert len(problems) == 1, f"expected exactly one problem report, got {problems}"
    locator, reason = problems[0]
    assert re.search(case.reason, reason, re.IGNORECASE), reason
    if case.locator is None:
        assert locator is None, locator
    else:
        assert locator is not None and re.search(case.locator, locator), locator
    for r in rejects:
        assert r.provenance.path.endswith(case.name)
        kept_marker = "(document kept)" in r.reason
        assert kept_marker == (case.severity == "warning"), r.reason
    assert len(docs) >= case.min_stored
    if case.max_stored is not None:
        assert len(docs) <= case.max_stored


def test_invalid_utf8_keeps_the_good_characters(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "invalid_utf8")
    docs, _rejects, _w = _read(case, tmp_path)
    (doc,) = docs
    assert doc.encoding.replace("_", "-").lower().startswith("utf-8")
    assert "Café owners" in doc.raw_text and "convoy’s arrival — at dawn" in doc.raw_text
    assert "\ufffd" in doc.raw_text


def test_short_invalid_utf8_is_not_decoded_as_utf16(tmp_path: Path) -> None:
    """A short UTF-8 line with one stray byte must stay readable (not become UTF-16 mojibake)."""
    path = tmp_path / "note.txt"
    path.write_bytes("naïve résumé of the talks".encode() + b"\x80\n")
    docs = [i for i in ingest([path]) if isinstance(i, RawDocument)]
    assert len(docs) == 1
    assert "naïve résumé of the talks" in docs[0].raw_text, (docs[0].encoding, docs[0].raw_text)


def test_truncated_jsonl_gz_keeps_a_prefix_of_lines(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "truncated_jsonl_gz")
    docs, rejects, _w = _read(case, tmp_path)
    numbers = [int(d.name.rsplit("#", 1)[1]) for d in docs]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "bulletins.jsonl.gz" in rejects[0].describe()


def test_truncated_txt_gz_keeps_the_lines_before_the_cut(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "truncated_txt_gz")
    docs, _rejects, _w = _read(case, tmp_path)
    assert docs, "the readable part of a truncated .txt.gz should be kept (with a warning)"
    text = docs[0].raw_text
    assert text.startswith("Convoy reaches the depot")
    assert "Line 10: the relief convoy" in text


def test_malformed_jsonl_keeps_both_neighbours(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "malformed_jsonl_line")
    docs, rejects, _w = _read(case, tmp_path)
    assert [d.name for d in docs] == ["feed.jsonl#1", "feed.jsonl#3"]
    assert rejects[0].describe().endswith(rejects[0].reason)
    assert "feed.jsonl:line 2" in rejects[0].describe()


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_broken_warc_keeps_records_before_and_names_the_broken_one(tmp_path: Path, gz: bool, damage: str) -> None:
    case = next(c for c in CASES if c.id == f"warc{'_gz' if gz else ''}_{damage}_record")
    docs, rejects, _w = _read(case, tmp_path)
    assert [d.name.rsplit("#", 1)[1] for d in docs] == ["1", "2"]
    assert [d.url for d in docs] == ["https://www.harbour-news.example/page/0", "https://www.harbour-news.example/page/1"]
    assert len(rejects) == 1
    locator = rejects[0].provenance.locator or ""
    # the broken record is named by its number or by its own WARC-Record-ID (not a kept record's)
    kept = {d.provenance.locator for d in docs}
    assert locator == "record 3" or (re.fullmatch(r"record <urn:uuid:[0-9a-f\-]+>", locator) and locator not in kept), \
        locator


def test_deep_html_falls_back_and_keeps_the_paragraph(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "deep_html")
    docs, _rejects, warnings = _read(case, tmp_path)
    article = clean(docs[0]).article
    assert "flooded road would stay closed for three more days" in article.body.text
    assert warnings and "fallback" in warnings[0][1]


def test_missing_path_is_a_reject(tmp_path: Path) -> None:
    (item,) = list(ingest([tmp_path / "nowhere.txt"]))
    assert isinstance(item, Reject) and "no such file" in item.reason


def test_over_max_bytes_gz_and_jsonl_line(tmp_path: Path) -> None:
    """The size limit also holds for gzipped files (decompressed size) and single JSONL lines."""
    import gzip

    big = "\n".join(["Long report"] + ["The pier was repaired by the harbour workers."] * 400).encode()
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(big))
    lines = [f'{{"text": "{"word " * 2000}"}}', '{"text": "A short bulletin about the harbour."}']
    (tmp_path / "lines.jsonl").write_text("\n".join(lines))
    items = list(ingest([tmp_path], IngestOptions(max_bytes=4000)))
    rejects = {(Path(r.provenance.path).name, r.provenance.locator): r.reason for r in items if isinstance(r, Reject)}
    assert "4,000 bytes" in rejects[("big.txt.gz", None)]
    assert "4,000 bytes" in rejects[("lines.jsonl", "line 1")]
    assert [d.name for d in items if isinstance(d, RawDocument)] == ["lines.jsonl#2"]
