"""Every input format through ``corroborator run``: stored metadata, stable ids, re-runs add nothing, --field."""

from __future__ import annotations

import json
from pathlib import Path

from clihelp import query
from format_samples import write_corpus

from corroborator.ingest import doc_id_for


def test_formats_are_stored_with_metadata_and_reruns_add_nothing(tmp_path: Path, cli) -> None:
    write_corpus(tmp_path / "plain")
    write_corpus(tmp_path / "packed", gz=True)
    db = tmp_path / "c.db"
    first = cli("run", tmp_path / "plain", "--db", db, "--no-analysis")
    assert first.exit_code == 0, first
    rows = {r[0]: r[1:] for r in query(db, "select name, title, url, outlet, published, format from documents")}
    assert rows["harbour.html"] == ("Harbour reopens after storm damage", None, "Coastline Courier", "2021-03-14",
                                    "html")
    assert rows["feed.jsonl#1"] == ("Grain depot reopens in the river town", "https://www.river-daily.example/news/depot",
                                    "River Daily", "2022-09-08", "jsonl")
    assert rows["wire.csv#2"][1:4] == ("https://islandwire.example/f2", "Island Wire", "2021-03-20")
    warc = [v for k, v in rows.items() if k.startswith("crawl.warc#")]
    assert sorted(v[0] for v in warc) == ["Dam spillway opened after heavy rain", "School term delayed by a week"]
    assert query(db, "select count(*) from comments") == [(3,)]
    assert query(db, "select depth from comments order by idx") == [(0,), (1,), (0,)]
    # cp1252 and UTF-16 copies of one text are one document
    assert query(db, "select count(*) from documents where id = ?", doc_id_for(
        (tmp_path / "plain" / "statement_utf16.txt").read_bytes().decode("utf-16"))) == [(1,)]
    n = len(rows)
    content = "select id, name, path, locator, title, url, outlet, published, raw_text, body, body_map from documents order by id"
    before = query(db, content)
    # the same corpus again, and its gzipped copy: nothing new
    for folder in ("plain", "packed"):
        again = cli("run", tmp_path / folder, "--db", db, "--no-analysis")
        assert again.exit_code == 0, again
        assert again.stderr.startswith("0 documents added"), again.stderr
    assert query(db, "select count(*) from documents") == [(n,)]
    assert query(db, content) == before
    assert query(db, "select count(*) from runs") == [(3,)]


def test_field_option_picks_the_column(tmp_path: Path, cli) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "custom.jsonl").write_text(json.dumps({
        "story_body": "The lighthouse on the north cape was repainted this summer, the maritime office said.",
        "kicker": "Lighthouse repainted", "where": "https://capes.example/l/1"}) + "\n")
    db = tmp_path / "c.db"
    refused = cli("run", tmp_path / "in", "--db", db, "--no-analysis")
    assert refused.exit_code != 0
    assert "custom.jsonl:line 1" in refused.stderr and "--field" in refused.stderr
    ok = cli("run", tmp_path / "in", "--db", db, "--no-analysis", "--field", "text=story_body",
             "--field", "title=kicker", "--field", "url=where")
    assert ok.exit_code == 0, ok
    assert query(db, "select title, url, outlet from documents") == [
        ("Lighthouse repainted", "https://capes.example/l/1", "capes.example")]
