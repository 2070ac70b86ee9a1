"""Load and validate the rule and data files shipped as package data.

Every loader names the file and line of a malformed entry (``RuleError``) and caches
its result: rule files are read once per process.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from corroborator.errors import RuleError

PACKAGE = "corroborator"


def package_path(relative: str) -> Path:
    """The filesystem path of a package data file, e.g. ``clean/rules/boilerplate.yaml``."""
    return Path(str(resources.files(PACKAGE).joinpath(relative)))


def _read(relative: str) -> tuple[str, str]:
    path = package_path(relative)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(str(path), None, f"cannot read rule file: {exc.strerror or exc}") from exc


@functools.cache
def load_yaml(relative: str) -> Any:
    """Parse a YAML rule file; syntax errors name the line."""
    path, text = _read(relative)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from exc


@functools.cache
def load_jsonl(relative: str) -> tuple[dict[str, Any], ...]:
    """Parse a JSONL rule file (blank lines and ``#`` comments allowed); each row needs an ``id``."""
    path, text = _read(relative)
    rows = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(path, number, f"invalid JSON: {exc.msg}") from exc
        if not isinstance(row, dict) or not row.get("id"):
            raise RuleError(path, number, "each rule needs an 'id'")
        if row["id"] in seen:
            raise RuleError(path, number, f"duplicate rule id {row['id']!r}")
        seen.add(row["id"])
        row["_line"] = number
        rows.append(row)
    return tuple(rows)


@functools.cache
def load_csv(relative: str, delimiter: str = ",") -> tuple[dict[str, str], ...]:
    """Parse a CSV/TSV data file with a header row (``#`` lines are comments)."""
    path, text = _read(relative)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise RuleError(path, number, "more fields than the header names")
        rows.append(row)
    return tuple(rows)


def rules_with_ids(relative: str, key: str = "rules") -> list[dict[str, Any]]:
    """The list under ``key`` of a YAML rule file, each entry checked for a unique ``id``."""
    data = load_yaml(relative)
    path = str(package_path(relative))
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise RuleError(path, None, f"expected a mapping with a list under {key!r}")
    seen: set[str] = set()
    for entry in data[key]:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise RuleError(path, None, f"an entry under {key!r} has no 'id': {entry!r}")
        if entry["id"] in seen:
            raise RuleError(path, None, f"duplicate rule id {entry['id']!r}")
        seen.add(entry["id"])
    return data[key]


def compile_pattern(relative: str, rule: dict[str, Any], key: str = "pattern", flags: int = 0) -> "re.Pattern[str]":
    """Compile a rule's regex; a bad one raises ``RuleError`` naming the file, line and rule id."""
    try:
        return re.compile(rule[key], flags)
    except (re.error, KeyError, TypeError) as exc:
        raise RuleError(str(package_path(relative)), rule.get("_line"),
                        f"rule {rule.get('id')!r}: bad {key!r}: {exc}") from exc
