"""The command line: ``corroborator run | export | report | stats``."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corroborator import __version__
from corroborator.errors import CorroboratorError
from corroborator.ingest import DEFAULT_MAX_BYTES, IngestOptions

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn conflict reporting into a corroborated incident record.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)

# The progress bar appears only once a run has lasted this long, so short runs stay quiet.
PROGRESS_DELAY_S = 2.0

DbOption = Annotated[Path, typer.Option("--db", help="Database file (SQLite) or SQLAlchemy URL.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"corroborator {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Show the version and exit.")] = False,
         verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug messages.")] = False) -> None:
    """Corroborator: incidents, claims and sources from war reporting."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _parse_fields(fields: list[str]) -> dict[str, str]:
    parsed = {}
    for item in fields:
        role, sep, column = item.partition("=")
        if not sep or role not in ("text", "title", "url", "outlet", "published") or not column:
            raise typer.BadParameter(f"expected ROLE=COLUMN with ROLE one of text, title, url, outlet, "
                                     f"published; got {item!r}", param_hint="--field")
        parsed[role] = column
    return parsed


class _ProgressView:
    """A Rich progress bar with documents/s, shown once a run has lasted a few seconds."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.monotonic()
        self.done = 0
        self.progress: Progress | None = None
        self.task = None

    def __call__(self, event: str, detail: object) -> None:
        if event in ("reject", "warning"):
            if not self.quiet:
                style = "yellow" if event == "warning" else "red"
                (self.progress.console if self.progress else err).print(
                    f"[{style}]{event}[/]: {detail.describe()}", markup=True)  # type: ignore[attr-defined]
            return
        self.done += 1
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        if self.progress is None and elapsed >= PROGRESS_DELAY_S and err.is_terminal:
            self.progress = Progress(TextColumn("[bold]documents"), BarColumn(bar_width=None),
                                     TextColumn("{task.completed} done · {task.fields[rate]:.1f} docs/s"),
                                     TimeElapsedColumn(), console=err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("run", total=None, rate=0.0)
        if self.progress is not None:
            self.progress.update(self.task, completed=self.done, rate=self.done / max(elapsed, 1e-6))

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command("run")
def run_cli(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    db: DbOption = Path("corroborator.db"),
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write the HTML report here.")] = None,
    field: Annotated[list[str], typer.Option("--field", help="Column for a role in JSONL/CSV, e.g. text=body.")] = [],
    max_bytes: Annotated[int, typer.Option("--max-bytes", envvar="CORROBORATOR_MAX_BYTES",
                                           help="Size limit of one document in bytes.")] = DEFAULT_MAX_BYTES,
    no_analysis: Annotated[bool, typer.Option("--no-analysis", help="Only ingest, clean and store.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero if anything was rejected.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary, no reject lines.")] = False,
    fast_propaganda: Annotated[bool, typer.Option(
        "--fast-propaganda", help="Find propaganda spans with the CRF alone: about 3x faster runs, "
                                  "less accurate spans (same as CORROBORATOR_PROPAGANDA_SI=crf).")] = False,
) -> None:
    """Read documents, find incidents and claims, and store everything in a database."""
    from corroborator.pipeline import RunOptions, run
    from corroborator.propaganda.tagger import BACKEND_ENV

    if fast_propaganda:
        os.environ[BACKEND_ENV] = "crf"

    opts = RunOptions(ingest=IngestOptions(max_bytes=max_bytes, fields=_parse_fields(field)), analyse=not no_analysis)
    view = _ProgressView(quiet)
    started = time.monotonic()
    try:
        summary = run(paths, db, opts, progress=view)
    except CorroboratorError as exc:
        view.close()
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from exc
    finally:
        view.close()
    elapsed = time.monotonic() - started
    if not quiet:
        err.print(f"{summary.added} documents added, {summary.skipped} already stored, "
                  f"{len(summary.rejects)} rejected, {len(summary.warnings)} warnings "
                  f"in {elapsed:.1f} s → {db}")
    if report is not None:
        _write_report(db, report, quiet)
    if not summary.stored_any:
        err.print("[red]error[/]: no document could be stored")
        raise typer.Exit(1)
    if strict and summary.rejects:
        raise typer.Exit(3)


def _session(db: Path):
    from corroborator.store.session import database_url, make_engine, make_session_factory

    url = database_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        err.print(f"[red]error[/]: {db}: no such database (create one with `corroborator run PATH --db {db}`)")
        raise typer.Exit(2)
    return make_session_factory(make_engine(db))()


def _write_report(db: Path, output: Path, quiet: bool) -> None:
    from corroborator.report.html import render_report

    with _session(db) as session:
        html = render_report(session)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    if not quiet:
        err.print(f"report written to {output}")


@app.command("export")
def export_cli(
    db: DbOption = Path("corroborator.db"),
    format: Annotated[str, typer.Option("--format", help="eval | json | csv | semeval")] = "eval",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output file (default: stdout).")] = None,
    table: Annotated[str, typer.Option("--table", help="For csv: incidents, documents, claims, rejects, "
                                                         "techniques.")] = "incidents",
) -> None:
    """Export a database: the evaluation export, everything as JSON, one table as CSV, or SemEval lines."""
    from corroborator.report import export as ex

    if format not in ("eval", "json", "csv", "semeval"):
        raise typer.BadParameter("expected eval, json, csv or semeval", param_hint="--format")
    if format == "csv" and table not in ex.CSV_TABLES:
        raise typer.BadParameter(f"expected one of {', '.join(ex.CSV_TABLES)}", param_hint="--table")
    with _session(db) as session:
        if format == "eval":
            text = json.dumps(ex.eval_export(session), ensure_ascii=False, indent=1)
        elif format == "json":
            text = json.dumps(ex.json_export(session), ensure_ascii=False, indent=1, default=str)
        elif format == "csv":
            text = ex.csv_export(session, table)
        else:
            text = ex.semeval_export(session)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


@app.command("report")
def report_cli(
    db: DbOption = Path("corroborator.db"),
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
) -> None:
    """Write the static HTML report of a database."""
    _write_report(db, output, quiet=False)


@app.command("stats")
def stats_cli(db: DbOption = Path("corroborator.db")) -> None:
    """Counts of what a database holds."""
    from sqlalchemy import func, select

    from corroborator.store import repo
    from corroborator.store.orm import ClaimRow, IncidentRow, RejectRow, TechniqueRow

    with _session(db) as session:
        counts = repo.counts(session)
        table = Table(title=f"{db}")
        table.add_column("what")
        table.add_column("count", justify="right")
        for name, n in counts.items():
            table.add_row(name, str(n))
        for label, column in (("incidents by type", IncidentRow.sub_event_type), ("claims by stance", ClaimRow.stance),
                              ("techniques", TechniqueRow.technique), ("rejects by severity", RejectRow.severity)):
            for value, n in session.execute(select(column, func.count()).group_by(column).order_by(func.count().desc())):
                table.add_row(f"  {label}: {value}", str(n))
    out.print(table)


