"""General segmentation rules on pages written for these tests (not seed text).

Each page exercises one layout: WordPress "NAME says:", Disqus "NAME • 2 days ago", "Posted by: NAME |
DATE | N" signatures after the text, an indented bullet thread with replies, page furniture, an article's
own bullet list, a PTC-style one-sentence-per-line file, and a masthead + dateline + title header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.clean import clean
from corroborator.records import Article, InputFormat, Provenance, RawDocument, TextMap

WP = """\
Council votes to rebuild the old harbour wall

The town council voted on Wednesday to rebuild the old harbour wall, which partly collapsed in last winter's storms.
The work will cost about four million and should take two years, the council's engineer told the meeting.
Fishermen welcomed the decision but asked that the slipway stay open during the works.

3 thoughts on “Council votes to rebuild the old harbour wall”

Harriet Quill says:
March 3, 2021 at 9:14 am
About time. The wall has been crumbling since I was a child.
Reply

Tomasz Brenner says:
March 3, 2021 at 11:40 am
Four million seems a lot for a wall. Who checked the quote?
Reply

Dev Okafor says:
March 4, 2021 at 8:02 am
The slipway matters more than the wall for most of us.
Reply

Leave a Reply
You must be logged in to post a comment.
"""

DISQUS = """\
Regional train line to reopen in spring

The regional train line closed by landslides last autumn will reopen in spring, the rail operator said on Monday.
Crews have cleared most of the cuttings and are rebuilding two embankments near the river.
The operator said replacement buses would keep running until the line is tested.

4 Comments

Gavin Marsh • 2 days ago
Good news for commuters, the buses take twice as long.

Lena Holt • 2 days ago
Spring means June with this operator.

Pieter Vos • a day ago
They said the same about the bridge in the valley and it took three years.

Ruth Ng • 5 hours ago
Has anyone seen the timetable yet?
"""

POSTEDBY = """\
Water rationing ends in the hill towns

Water rationing in the hill towns ended on Friday after a week of steady rain filled the reservoirs, the water board said.
The board warned that the pipes in the older districts still leak badly and asked residents to report bursts.

Posted by b on March 5, 2021 at 10:14 AM | Permalink

Comments

The rain came just in time for the orchards.
Last year the trees dried out by May.

Posted by: orchard_keeper | Mar 5 2021 11:02 utc | 1

The board has been promising new pipes for a decade.

Posted by: Selim | Mar 5 2021 12:30 utc | 2

Good. Now fix the leaks before the summer.
Nobody wants rationing again.

Posted by: K. Arden | Mar 5 2021 13:45 utc | 3
"""

BULLETS = """\
New ferry timetable angers island residents

The ferry company cut the number of daily crossings from six to four on Monday, citing the cost of fuel.
Island residents say the new timetable makes it impossible to commute to jobs on the mainland.
The company said it would review the timetable after the summer season.

    • Margit Solberg

      Four crossings a day means leaving home at five in the morning to reach the mainland on time.

        • Arne Dahl

          And getting back after nine at night. Nobody can live like that for long.

    • Quentin Reyes

      The company made record profits last year, so the cost of fuel is not the real reason.
"""

FURNITURE = """\
Flood defences hold as river peaks

The new flood barrier on the river held on Saturday as the water reached its highest level in twenty years, the environment agency said.
Residents of the lower town had been told to move cars and valuables upstairs, but the streets stayed dry.
Engineers will inspect the barrier once the water falls.

Since you're here
We have a small favour to ask. Our reporting is funded by readers like you, and we rely on donations to keep going without a paywall.
For non-USD currencies, click here to choose your currency.
Share this article
Facebook Twitter Email Print
Follow us on Telegram
You must be logged in to comment.
READ NEXT: Council approves budget for new bridge
Report a typo
© 2021 River Valley Times. All rights reserved.
"""

LIST = """\
Storm closes three roads in the valley

The overnight storm brought down trees and power lines across the valley, and the highways office closed three roads on Sunday morning.
The following roads were closed until further notice:
- the pass road above the dam
- the lakeside road between the two villages
- the old mill lane
Crews expected to reopen the lakeside road by the evening, the office said.
Power was restored to most homes by noon.
"""

PTC = """\
Festival organisers cancel the closing concert

Organisers cancelled the closing concert of the summer festival on Sunday.
They cited a forecast of thunderstorms over the park.
Ticket holders will get a full refund within two weeks.
The opening concert drew a record crowd of twelve thousand people.
"""

MASTHEAD = """\
Valley Herald
June 12, 2020
Bridge reopens after six months of repairs

The old stone bridge over the river reopened to traffic on Friday after six months of repairs, the county engineer said.
Buses will return to their normal routes on Monday, the transport office added.
"""

def _clean(text: str, name: str = "page.txt") -> Article:
    raw = RawDocument(doc_id="t", name=name, provenance=Provenance(name), format=InputFormat.TEXT, raw_text=text)
    return clean(raw).article


def assert_maps_exactly(tm: TextMap, raw: str) -> None:
    """Every mapped run of a cleaned text holds exactly the raw characters it points at."""
    for c0, r0, n in tm.runs:
        assert tm.text[c0:c0 + n] == raw[r0:r0 + n], (c0, r0, n)
    mapped = sum(n for _c, _r, n in tm.runs)
    unmapped = tm.text
    # what is not mapped is only inserted line breaks
    for c0, _r, n in sorted(tm.runs, reverse=True):
        unmapped = unmapped[:c0] + unmapped[c0 + n:]
    assert set(unmapped) <= {"\n"}, repr(unmapped)
    assert mapped + len(unmapped) == len(tm.text)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _check_comments_offsets(art: Article) -> None:
    raw = art.doc.raw_text
    assert_maps_exactly(art.body, raw)
    for c in art.comments:
        assert_maps_exactly(c.text, raw)
        assert c.span is not None
        covered = raw[c.span.start:c.span.end]
        for line in _lines(c.text.text):
            assert line in covered


def test_wordpress_says_thread() -> None:
    art = _clean(WP)
    assert art.title == "Council votes to rebuild the old harbour wall"
    assert _lines(art.body.text) == _lines(WP)[1:4]
    assert [c.author for c in art.comments] == ["Harriet Quill", "Tomasz Brenner", "Dev Okafor"]
    assert [c.posted for c in art.comments] == ["March 3, 2021 at 9:14 am", "March 3, 2021 at 11:40 am",
                                                "March 4, 2021 at 8:02 am"]
    assert [c.text.text for c in art.comments] == [
        "About time. The wall has been crumbling since I was a child.",
        "Four million seems a lot for a wall. Who checked the quote?",
        "The slipway matters more than the wall for most of us."]
    kinds = {b.kind for b in art.boilerplate}
    assert {"comment_header", "comment_signature", "comment_furniture", "login"} <= kinds
    for leak in ("Reply", "says:", "thoughts on", "logged in"):
        assert leak not in art.body.text and all(leak not in c.text.text for c in art.comments)
    _check_comments_offsets(art)


def test_disqus_ago_thread() -> None:
    art = _clean(DISQUS)
    assert _lines(art.body.text) == _lines(DISQUS)[1:4]
    assert [(c.author, c.posted) for c in art.comments] == [
        ("Gavin Marsh", "2 days ago"), ("Lena Holt", "2 days ago"), ("Pieter Vos", "a day ago"),
        ("Ruth Ng", "5 hours ago")]
    assert art.comments[3].text.text == "Has anyone seen the timetable yet?"
    assert "4 Comments" not in art.body.text
    _check_comments_offsets(art)


def test_posted_by_signature_after_thread() -> None:
    art = _clean(POSTEDBY)
    assert _lines(art.body.text) == _lines(POSTEDBY)[1:3]
    assert [c.author for c in art.comments] == ["orchard_keeper", "Selim", "K. Arden"]
    assert [c.posted for c in art.comments] == ["Mar 5 2021 11:02 utc", "Mar 5 2021 12:30 utc", "Mar 5 2021 13:45 utc"]
    assert art.comments[0].text.text == "The rain came just in time for the orchards.\nLast year the trees dried out by May."
    assert art.published == "2021-03-05"  # from the post's own "Posted by ... on DATE" byline
    assert not any("Posted by" in c.text.text for c in art.comments)
    assert "Permalink" not in art.body.text and "Comments" not in art.body.text
    _check_comments_offsets(art)


def test_indented_bullet_thread_with_replies() -> None:
    art = _clean(BULLETS)
    assert _lines(art.body.text) == _lines(BULLETS)[1:4]
    assert [(c.author, c.depth) for c in art.comments] == [("Margit Solberg", 0), ("Arne Dahl", 1), ("Quentin Reyes", 0)]
    assert art.comments[1].text.text == "And getting back after nine at night. Nobody can live like that for long."
    _check_comments_offsets(art)


def test_page_furniture_is_dropped_with_its_kind() -> None:
    art = _clean(FURNITURE)
    assert _lines(art.body.text) == _lines(FURNITURE)[1:4]
    assert not art.comments
    by_text = {b.text: b.kind for b in art.boilerplate}
    assert by_text["Since you're here"] == "donation"
    assert by_text["For non-USD currencies, click here to choose your currency."] == "donation"
    assert by_text["Share this article"] == "share"
    assert by_text["Facebook Twitter Email Print"] == "share"
    assert by_text["Follow us on Telegram"] == "share"
    assert by_text["You must be logged in to comment."] == "login"
    assert by_text["READ NEXT: Council approves budget for new bridge"] == "related"
    assert by_text["Report a typo"] == "footer"
    assert by_text["© 2021 River Valley Times. All rights reserved."] == "footer"
    assert any(b.kind == "donation" and b.text.startswith("We have a small favour") for b in art.boilerplate)
    raw = art.doc.raw_text
    for b in art.boilerplate:
        assert raw[b.span.start:b.span.end].strip() == b.text
    assert_maps_exactly(art.body, raw)


def test_outlet_from_copyright_footer() -> None:
    art = _clean(FURNITURE)
    assert art.outlet == "River Valley Times"


def test_article_bullet_list_stays_body() -> None:
    art = _clean(LIST)
    assert not art.comments
    body = art.body.text
    for item in ("the pass road above the dam", "the lakeside road between the two villages", "the old mill lane",
                 "Power was restored to most homes by noon."):
        assert item in body
    assert body.index("the old mill lane") < body.index("Crews expected to reopen")
    assert not art.boilerplate
    assert_maps_exactly(art.body, LIST)


def test_ptc_style_file_is_all_body_with_exact_offsets() -> None:
    art = _clean(PTC, "article111111111.txt")
    lines = PTC.split("\n")
    assert art.title == lines[0]
    assert art.title_span is not None and (art.title_span.start, art.title_span.end) == (0, len(lines[0]))
    assert not art.comments and not art.boilerplate
    assert art.body.text == "\n".join(lines[2:]).rstrip("\n")
    assert_maps_exactly(art.body, PTC)
    # every sentence maps back to its exact raw offsets
    for sentence in lines[2:]:
        if not sentence:
            continue
        start = art.body.text.index(sentence)
        span = art.body.raw_span(start, start + len(sentence))
        assert PTC[span.start:span.end] == sentence
        assert span.start == PTC.index(sentence)


def test_ptc_style_file_without_title_line() -> None:
    """A file whose first line is a long sentence has no separate title: it is all body."""
    text = ("The committee said on Tuesday that the new rules on fishing quotas, agreed after months of talks between "
            "the coastal towns and the ministry, would take effect at the start of next season.\n"
            "Fishermen's groups said they had not been consulted on the final text.\n")
    art = _clean(text)
    assert art.title is None
    assert art.body.text == text.rstrip("\n")
    assert_maps_exactly(art.body, text)


def test_masthead_dateline_title_header() -> None:
    art = _clean(MASTHEAD)
    assert art.title == "Bridge reopens after six months of repairs"
    assert art.published == "2020-06-12"
    assert art.outlet == "Valley Herald"
    assert art.body.text.startswith("The old stone bridge")
    assert "Valley Herald" not in art.body.text and "June 12, 2020" not in art.body.text
    kinds = {b.text: b.kind for b in art.boilerplate}
    assert set(kinds) == {"Valley Herald", "June 12, 2020"}
    assert kinds["Valley Herald"] == "masthead"


def test_title_above_dateline_is_the_title() -> None:
    text = ("Dockworkers end their strike after pay deal\n"
            "14 May 2019\n\n"
            "Dockworkers at the container port returned to work on Tuesday after the union accepted a pay offer.\n")
    art = _clean(text)
    assert art.title == "Dockworkers end their strike after pay deal"
    assert art.published == "2019-05-14"
    assert art.body.text.startswith("Dockworkers at the container port")


def test_one_says_line_in_an_article_is_not_a_thread() -> None:
    text = ("Mayor defends the budget\n\n"
            "The mayor defended the budget at a public meeting on Thursday.\n"
            "One resident who spoke says:\n"
            "the library should not lose its Sunday hours.\n"
            "The council will vote on the budget next week.\n")
    art = _clean(text)
    assert not art.comments
    assert "the library should not lose its Sunday hours." in art.body.text


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_crlf_line_endings(newline: str) -> None:
    text = WP.replace("\n", newline)
    art = _clean(text)
    assert len(art.comments) == 3
    assert "\r" not in art.body.text and all("\r" not in c.text.text for c in art.comments)
    assert_maps_exactly(art.body, text)
