"""Every record that crosses a stage boundary.

Records are frozen, slotted dataclasses. Offsets called ``raw`` index into
``RawDocument.raw_text`` (the document's text as read from the input: the decoded
file for plain text and HTML, the text field for JSONL/CSV rows, the HTTP payload
for WARC records). Offsets into a cleaned text are converted with ``TextMap``.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field


# --------------------------------------------------------------------- provenance


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a document came from: the file and, inside it, the line, row or WARC record."""

    path: str
    locator: str | None = None  # "line 12", "row 3", "record <urn:uuid:...>"

    def describe(self) -> str:
        return f"{self.path}:{self.locator}" if self.locator else self.path


@dataclass(frozen=True, slots=True)
class Span:
    """A character range in a document's raw text; ``end`` is exclusive."""

    start: int
    end: int


# --------------------------------------------------------------------- ingest


class InputFormat(str, enum.Enum):
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"
    CSV = "csv"
    WARC = "warc"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as read, before cleaning.

    ``name`` is the input file's base name, with ``#N`` appended for documents that are
    one of many in a container (JSONL line, CSV row, WARC record).
    """

    doc_id: str
    name: str
    provenance: Provenance
    format: InputFormat
    raw_text: str
    encoding: str = "utf-8"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not be read, with a reason a person can act on."""

    provenance: Provenance
    reason: str

    def describe(self) -> str:
        return f"{self.provenance.describe()}: {self.reason}"


# --------------------------------------------------------------------- clean


@dataclass(frozen=True, slots=True)
class TextMap:
    """A cleaned text and the map of its characters back to raw offsets.

    ``runs`` holds ``(clean_start, raw_start, length)`` triples, sorted by ``clean_start``;
    inside a run characters map one to one. Characters outside any run (separators the
    cleaner inserted) map to the nearest following run.
    """

    text: str
    runs: tuple[tuple[int, int, int], ...] = ()

    def raw_offset(self, clean: int) -> int:
        """The raw offset of clean offset ``clean`` (end offsets map to end positions)."""
        if not self.runs:
            return clean
        starts = [r[0] for r in self.runs]
        i = bisect.bisect_right(starts, clean) - 1
        if i < 0:
            return self.runs[0][1]
        c0, r0, n = self.runs[i]
        if clean <= c0 + n:
            return r0 + (clean - c0)
        if i + 1 < len(self.runs):
            return self.runs[i + 1][1]
        return r0 + n

    def raw_span(self, start: int, end: int) -> Span:
        """The raw span of the clean range ``[start, end)``."""
        if end <= start:
            s = self.raw_offset(start)
            return Span(s, s)
        s = self.raw_offset(start)
        # map the last character, then step past it, so a range ending at a run
        # boundary does not spill into the next run's raw position
        e = self.raw_offset(end - 1) + 1
        return Span(s, max(s, e))


class SegmentKind(str, enum.Enum):
    TITLE = "title"
    BODY = "body"
    COMMENT = "comment"
    BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment; ``depth`` 0 is top level, replies are deeper."""

    index: int
    author: str | None
    posted: str | None
    text: TextMap
    depth: int = 0
    span: Span | None = None  # raw span of the whole comment (signature included)
    rule_id: str | None = None


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A stretch of page furniture that was dropped, with the rule that dropped it."""

    kind: str  # donation, share, login, related, link_trap, footer, masthead, other
    rule_id: str
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned document: title, body, reader comments and dropped boilerplate."""

    doc: RawDocument
    title: str | None
    body: TextMap
    comments: tuple[Comment, ...] = ()
    boilerplate: tuple[Boilerplate, ...] = ()
    outlet: str | None = None
    published: str | None = None
    title_span: Span | None = None
    published_source: str | None = None  # rule id or "metadata"
    outlet_source: str | None = None


# --------------------------------------------------------------------- incidents


class EventType(str, enum.Enum):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC = "Strategic developments"


class SubEventType(str, enum.Enum):
    ARMED_CLASH = "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    EXCESSIVE_FORCE = "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "Headquarters or base established"
    LOOTING = "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
    OTHER = "Other"


SUB_EVENT_PARENT: dict[SubEventType, EventType] = {
    SubEventType.ARMED_CLASH: EventType.BATTLES,
    SubEventType.GOVERNMENT_REGAINS_TERRITORY: EventType.BATTLES,
    SubEventType.NON_STATE_OVERTAKES_TERRITORY: EventType.BATTLES,
    SubEventType.CHEMICAL_WEAPON: EventType.EXPLOSIONS,
    SubEventType.AIR_DRONE_STRIKE: EventType.EXPLOSIONS,
    SubEventType.SUICIDE_BOMB: EventType.EXPLOSIONS,
    SubEventType.SHELLING: EventType.EXPLOSIONS,
    SubEventType.REMOTE_EXPLOSIVE: EventType.EXPLOSIONS,
    SubEventType.GRENADE: EventType.EXPLOSIONS,
    SubEventType.SEXUAL_VIOLENCE: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.ATTACK: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.ABDUCTION: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.PEACEFUL_PROTEST: EventType.PROTESTS,
    SubEventType.PROTEST_WITH_INTERVENTION: EventType.PROTESTS,
    SubEventType.EXCESSIVE_FORCE: EventType.PROTESTS,
    SubEventType.VIOLENT_DEMONSTRATION: EventType.RIOTS,
    SubEventType.MOB_VIOLENCE: EventType.RIOTS,
    SubEventType.AGREEMENT: EventType.STRATEGIC,
    SubEventType.ARRESTS: EventType.STRATEGIC,
    SubEventType.CHANGE_TO_GROUP: EventType.STRATEGIC,
    SubEventType.DISRUPTED_WEAPONS_USE: EventType.STRATEGIC,
    SubEventType.HEADQUARTERS_ESTABLISHED: EventType.STRATEGIC,
    SubEventType.LOOTING: EventType.STRATEGIC,
    SubEventType.NON_VIOLENT_TRANSFER: EventType.STRATEGIC,
    SubEventType.OTHER: EventType.STRATEGIC,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor as coded: canonical ACLED-style name when known, else the text as found."""

    name: str
    mention: str  # the text as found
    inter: int | None = None  # ACLED inter code 1-8
    span: Span | None = None
    rule_id: str | None = None
    country: str | None = None  # ISO2 where known


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place; ``geo_precision`` follows ACLED (1 town, 2 near/district, 3 province)."""

    name: str
    lat: float | None
    lon: float | None
    country: str | None  # ISO2
    admin1: str | None = None
    admin2: str | None = None
    geo_precision: int = 1
    mention: str | None = None
    span: Span | None = None
    rule_id: str | None = None
    source: str | None = None  # gazetteer row source, e.g. "geonames:163684"


@dataclass(frozen=True, slots=True)
class DateValue:
    """A resolved date: ``value`` is YYYY-MM-DD, YYYY-MM, YYYY or XXXX-MM-DD.

    ``time_precision`` follows ACLED: 1 day, 2 week/within days, 3 month or vaguer.
    """

    value: str | None
    end: str | None = None
    time_precision: int = 1
    mention: str | None = None
    span: Span | None = None
    rule_id: str | None = None


@dataclass(frozen=True, slots=True)
class CountRange:
    """A count as a range: exact has low == high; "at least N" has high None."""

    low: int
    high: int | None
    mention: str | None = None
    span: Span | None = None
    rule_id: str | None = None


@dataclass(frozen=True, slots=True)
class Casualty:
    """Killed or wounded of one group; ``history`` keeps earlier (revised) figures."""

    group: str
    kind: str  # "killed" | "wounded"
    count: CountRange
    history: tuple[CountRange, ...] = ()


@dataclass(frozen=True, slots=True)
class Incident:
    """One coded event in one document."""

    incident_id: str  # stable: doc_id + ordinal
    doc_id: str
    event_type: EventType
    sub_event_type: SubEventType
    actor1: tuple[Actor, ...] = ()
    actor2: tuple[Actor, ...] = ()
    assoc_actors: tuple[Actor, ...] = ()
    place: Place | None = None
    date: DateValue | None = None
    casualties: tuple[Casualty, ...] = ()
    fatalities: int | None = None  # ACLED's conservative headline figure
    evidence: tuple[Span, ...] = ()
    sentence: str = ""
    rule_id: str = ""
    in_comment: bool = False
    salience: float = 0.0


# --------------------------------------------------------------------- claims


class Stance(str, enum.Enum):
    ASSERTS = "asserts"
    DENIES = "denies"
    DOUBTS = "doubts"


class SourceType(str, enum.Enum):
    GOVERNMENT = "government"
    MILITARY = "military"
    ARMED_GROUP = "armed group"
    MEDIA = "media"
    NGO = "NGO/monitor"
    INTERNATIONAL = "international organisation"
    ANONYMOUS_OFFICIAL = "anonymous official"
    WITNESS = "witness/local"
    SOCIAL_MEDIA = "social media"
    PERSON = "person"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Source:
    """Who said something: as written, normalised, typed."""

    mention: str
    name: str
    type: SourceType = SourceType.UNKNOWN
    country: str | None = None
    span: Span | None = None
    rule_id: str | None = None


@dataclass(frozen=True, slots=True)
class Hedge:
    cue: str
    span: Span | None
    weight: float  # how much certainty this hedge removes, 0..1
    rule_id: str


@dataclass(frozen=True, slots=True)
class Claim:
    """An attributed statement or an unattributed factual assertion."""

    claim_id: str
    doc_id: str
    text: str
    span: Span
    chain: tuple[Source, ...]  # first speaker first, then relays; () = the outlet itself
    cue: str | None
    stance: Stance
    hedges: tuple[Hedge, ...] = ()
    certainty: float = 1.0
    incident_id: str | None = None
    in_comment: bool = False
    rule_id: str = ""


# --------------------------------------------------------------------- propaganda


@dataclass(frozen=True, slots=True)
class TechniqueSpan:
    """A propaganda-technique span in raw offsets; technique spelled as in SemEval-2020 Task 11."""

    doc_id: str
    technique: str
    span: Span
    score: float = 1.0
    rule_id: str = ""


@dataclass(frozen=True, slots=True)
class ArticleSignals:
    """Article-level rhetoric signals."""

    doc_id: str
    technique_counts: tuple[tuple[str, int], ...] = ()
    technique_density: float = 0.0  # spans per 100 words
    loaded_share: float = 0.0  # share of words from the loaded-language lexicon
    unattributed_share: float | None = None  # share of factual assertions without a source
    propaganda_score: float = 0.0
    evidence: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------- per-document result


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analysis stages found in one article."""

    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    techniques: tuple[TechniqueSpan, ...] = ()
    signals: ArticleSignals | None = None
    warnings: tuple[str, ...] = ()  # a stage that failed on this article, and why
