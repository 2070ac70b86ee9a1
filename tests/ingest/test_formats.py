"""Every input format stores the right documents with the right metadata and stable ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from format_samples import COMMENT_AUTHORS, COMMENT_DEPTHS, JSONL_ROWS, LATIN1_TEXT, LEGACY_TEXT, write_corpus

from corroborator.clean import clean
from corroborator.ingest import IngestOptions, doc_id_for, ingest
from corroborator.records import InputFormat, RawDocument, Reject


def _docs(path: Path, opts: IngestOptions | None = None) -> list[RawDocument]:
    items = list(ingest([path], opts))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert not rejects, rejects
    return [i for i in items if isinstance(i, RawDocument)]


@pytest.fixture(params=[False, True], ids=["plain", "gzipped"])
def corpus(request, tmp_path: Path) -> dict[str, Path]:
    return write_corpus(tmp_path / "corpus", gz=request.param)


@pytest.mark.parametrize("role,expected", [("cp1252", LEGACY_TEXT), ("latin1", LATIN1_TEXT), ("utf16", LEGACY_TEXT),
                                           ("utf8bom", LEGACY_TEXT.replace("Officials", "Port officials"))])
def test_text_encodings(corpus: dict[str, Path], role: str, expected: str) -> None:
    (doc,) = _docs(corpus[role])
    assert doc.raw_text == expected  # a BOM is not part of the text
    assert doc.format is InputFormat.TEXT
    assert doc.name == corpus[role].name.removesuffix(".gz")
    art = clean(doc).article
    first_line = expected.split("\n", 1)[0]
    assert art.title == first_line
    assert art.body.text.startswith(expected.split("\n")[2][:40])
    assert art.title_span is not None and doc.raw_text[art.title_span.start:art.title_span.end] == first_line


def test_html_metadata_body_and_comments(corpus: dict[str, Path]) -> None:
    (doc,) = _docs(corpus["html"])
    assert doc.format is InputFormat.HTML
    art = clean(doc).article
    assert art.title == "Harbour reopens after storm damage"
    assert art.outlet == "Coastline Courier"
    assert art.published == "2021-03-14"
    body = art.body.text
    assert body.startswith("The northern harbour reopened")
    assert "until the summer & that larger cargo ships" in body  # &amp; decoded
    assert "“We lost a fortnight of catch" in body  # &ldquo; decoded
    for leak in ("Good to see the boats", "All rights reserved", "Home", "3 comments"):
        assert leak not in body
    assert len(art.comments) == 3
    assert [c.depth for c in art.comments] == COMMENT_DEPTHS
    assert [c.text.text for c in art.comments][2].startswith("My cousin lost his trawler")
    assert all(c.posted and c.posted.startswith("2021-03-1") for c in art.comments)


def test_html_comment_authors_without_says(corpus: dict[str, Path]) -> None:
    """WordPress puts '<span class="says">says:</span>' inside the author block: not part of the name."""
    (doc,) = _docs(corpus["html"])
    assert [c.author for c in clean(doc).article.comments] == COMMENT_AUTHORS


def test_jsonl_auto_fields(corpus: dict[str, Path]) -> None:
    docs = _docs(corpus["jsonl"])
    assert [d.name for d in docs] == ["feed.jsonl#1", "feed.jsonl#2"]
    assert [d.provenance.locator for d in docs] == ["line 1", "line 2"]
    assert [d.title for d in docs] == [r["headline"] for r in JSONL_ROWS]
    assert [d.raw_text for d in docs] == [r["article_text"] for r in JSONL_ROWS]
    assert [d.url for d in docs] == [r["link"] for r in JSONL_ROWS]
    assert [d.outlet for d in docs] == ["River Daily", "news.bridgewatch.example"]
    assert [d.published for d in docs] == ["2022-09-08", "2022-09-09"]
    art = clean(docs[0]).article
    assert art.title == JSONL_ROWS[0]["headline"] and art.outlet == "River Daily" and art.published == "2022-09-08"
    assert art.body.text.startswith("The grain depot in the river town")


def test_csv_auto_fields(corpus: dict[str, Path]) -> None:
    docs = _docs(corpus["csv"])
    assert [d.name for d in docs] == ["wire.csv#1", "wire.csv#2"]
    assert [d.provenance.locator for d in docs] == ["row 1", "row 2"]
    assert docs[0].title == "Ferry fares frozen for the winter"
    assert docs[0].raw_text.endswith("island residents.\nThe freeze runs until March.")  # multi-line cell
    assert [d.outlet for d in docs] == ["Island Wire", "Island Wire"]
    assert [d.published for d in docs] == ["2021-03-14", "2021-03-20"]
    assert [d.url for d in docs] == ["https://islandwire.example/f1", "https://islandwire.example/f2"]


def test_warc_response_records(corpus: dict[str, Path]) -> None:
    docs = _docs(corpus["warc"])
    assert len(docs) == 2  # warcinfo, requests and the image response are skipped
    assert [d.url for d in docs] == ["https://www.valley-post.example/2020/05/dam",
                                     "https://valley-post.example/2020/05/school"]
    assert all(d.format is InputFormat.HTML for d in docs)
    assert all(d.provenance.locator.startswith("record <urn:uuid:") for d in docs)
    arts = [clean(d).article for d in docs]
    # no site name in these pages: the outlet comes from the record's URL
    assert [a.outlet for a in arts] == ["valley-post.example", "valley-post.example"]
    assert [a.title for a in arts] == ["Dam spillway opened after heavy rain", "School term delayed by a week"]
    assert "Engineers opened the spillway" in arts[0].body.text


def test_gzipped_variants_give_the_same_documents(tmp_path: Path) -> None:
    plain = write_corpus(tmp_path / "plain", gz=False)
    packed = write_corpus(tmp_path / "packed", gz=True)
    for role in plain:
        a = [(d.doc_id, d.name, d.title, d.url, d.outlet, d.published) for d in _docs(plain[role])]
        b = [(d.doc_id, d.name, d.title, d.url, d.outlet, d.published) for d in _docs(packed[role])]
        if role == "warc":  # names carry the record number, ids the text: both equal
            assert [x[0] for x in a] == [x[0] for x in b]
        else:
            assert a == b, role


def test_stable_ids(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "c")
    first = [d.doc_id for d in ingest([tmp_path / "c"]) if isinstance(d, RawDocument)]
    second = [d.doc_id for d in ingest([tmp_path / "c"]) if isinstance(d, RawDocument)]
    assert first == second
    # cp1252 and UTF-16 files hold the same text: one id; every other document its own
    assert len(set(first)) == len(first) - 1
    # the id depends on the text only: the same text under another name or format has the same id
    (tmp_path / "copy.txt").write_text(LEGACY_TEXT, encoding="utf-8")
    (copy,) = _docs(tmp_path / "copy.txt")
    (orig,) = _docs(files["cp1252"])
    assert copy.doc_id == orig.doc_id == doc_id_for(LEGACY_TEXT)
    (tmp_path / "one.jsonl").write_text(json.dumps({"text": LEGACY_TEXT}) + "\n")
    assert _docs(tmp_path / "one.jsonl")[0].doc_id == orig.doc_id
    assert doc_id_for("a") != doc_id_for("b") and len(doc_id_for("x")) == 16


def test_field_override_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"summary": "Short.", "story_body": "The market hall reopened after the fire, "
                                "the council said on Monday.", "kicker": "Market hall reopens"}) + "\n")
    (item,) = list(ingest([path]))
    assert isinstance(item, Reject)
    assert "story_body" in item.reason and "--field" in item.reason
    (doc,) = _docs(path, IngestOptions(fields={"text": "story_body", "title": "kicker"}))
    assert doc.raw_text.startswith("The market hall reopened") and doc.title == "Market hall reopens"


def test_field_override_csv_and_tsv(tmp_path: Path) -> None:
    rows = "abstract,body,title\nA short abstract of the report.,The full body of the report about the mill.,Mill\n"
    (tmp_path / "t.csv").write_text(rows)
    (auto,) = _docs(tmp_path / "t.csv")
    assert auto.raw_text == "The full body of the report about the mill."
    (over,) = _docs(tmp_path / "t.csv", IngestOptions(fields={"text": "ABSTRACT"}))  # case-insensitive
    assert over.raw_text == "A short abstract of the report."
    (tmp_path / "t.tsv").write_text(rows.replace(",", "\t"))
    (tsv,) = _docs(tmp_path / "t.tsv")
    assert tsv.raw_text == auto.raw_text and tsv.title == "Mill"


def test_semicolon_csv_and_bom_header(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_bytes("\ufefftitle;text\nOne;The first story about the quay.\n".encode("utf-8"))
    (doc,) = _docs(tmp_path / "s.csv")
    assert doc.title == "One" and doc.raw_text == "The first story about the quay."


def test_folder_is_read_recursively_and_sorted_hidden_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("Alpha report\n\nThe first report about the pier.\n")
    (tmp_path / "b" / "c.txt").write_text("Gamma report\n\nThe second report about the quay.\n")
    (tmp_path / ".hidden.txt").write_text("Hidden report\n\nShould not be read at all.\n")
    names = [d.name for d in ingest([tmp_path]) if isinstance(d, RawDocument)]
    assert names == ["a.txt", "c.txt"]
