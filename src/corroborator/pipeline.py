"""The main job: ingest → clean → NLP → incidents → claims → propaganda → store → link.

Each document is stored in its own transaction together with everything found in it, so a run
killed at any point and started again skips what is stored and finishes with the same content.
Cross-document linking runs at the end of every run over everything stored (it is idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corroborator.clean import CleanResult, clean
from corroborator.ingest import IngestOptions, ingest
from corroborator.records import Analysis, Article, RawDocument, Reject
from corroborator.store import repo
from corroborator.store.session import make_engine, make_session_factory

LOGGER = logging.getLogger(__name__)

# Documents cleaned and parsed together: spaCy's nlp.pipe batches across them.
BATCH_DOCUMENTS = 16


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Options of ``run``."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    analyse: bool = True  # run the NLP stages (off: ingest + clean + store only)


@dataclass(slots=True)
class RunSummary:
    run_id: int = 0
    seen: int = 0
    added: int = 0
    skipped: int = 0  # already stored (same source text)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)

    @property
    def stored_any(self) -> bool:
        return self.added + self.skipped > 0


# A progress callback receives (event, detail): "document" with the document name, "reject" with
# the reject, "warning" with the reject.
Progress = Callable[[str, object], None]


def run(paths: Iterable[Path | str], db: str | Path, opts: RunOptions | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Read, clean, analyse and store every document under ``paths`` into ``db``."""
    opts = opts or RunOptions()
    progress = progress or (lambda _event, _detail: None)
    engine = make_engine(db)
    sessions = make_session_factory(engine)
    summary = RunSummary()
    paths = [Path(p) for p in paths]
    with sessions() as session:
        summary.run_id = repo.start_run(session, inputs=[str(p) for p in paths])
        known = repo.known_document_ids(session)
        status = "failed"
        try:
            for batch in _batches(ingest(paths, opts.ingest), BATCH_DOCUMENTS):
                docs: list[RawDocument] = []
                for item in batch:
                    if isinstance(item, Reject):
                        _reject(session, summary, item, progress)
                        continue
                    summary.seen += 1
                    if item.doc_id in known:
                        summary.skipped += 1
                        progress("document", item.name)
                        continue
                    known.add(item.doc_id)
                    docs.append(item)
                _process(session, docs, opts, summary, progress)
            _link(session)
            status = "finished"
        finally:
            repo.finish_run(session, run_id=summary.run_id, added=summary.added, skipped=summary.skipped,
                            rejects=len(summary.rejects), status=status)
    engine.dispose()
    return summary


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reject(session, summary: RunSummary, reject: Reject, progress: Progress) -> None:
    warning = "(document kept)" in reject.reason
    repo.save_reject(session, reject=reject, severity="warning" if warning else "error", run_id=summary.run_id)
    (summary.warnings if warning else summary.rejects).append(reject)
    progress("warning" if warning else "reject", reject)


def _process(session, docs: list[RawDocument], opts: RunOptions, summary: RunSummary, progress: Progress) -> None:
    cleaned: list[CleanResult] = []
    for raw in docs:
        try:
            cleaned.append(clean(raw))
        except RecursionError as exc:  # a pathological page: reject it, keep the run going
            _reject(session, summary, Reject(raw.provenance, f"could not be cleaned ({exc})"), progress)
    articles = [c.article for c in cleaned]
    analyses = analyse(articles) if opts.analyse else [Analysis() for _ in articles]
    for result, analysis in zip(cleaned, analyses):
        for warning in (*result.warnings, *analysis.warnings):
            _reject(session, summary, Reject(result.article.doc.provenance, f"{warning} (document kept)"), progress)
        repo.save_article(session, article=result.article, analysis=analysis, run_id=summary.run_id)
        summary.added += 1
        progress("document", result.article.doc.name)


def analyse(articles: list[Article]) -> list[Analysis]:
    """Run the NLP stages over a batch of articles."""
    from corroborator.analysis import analyse_articles

    return analyse_articles(articles)


def _link(session) -> None:
    from corroborator.link import link_stored

    link_stored(session)
