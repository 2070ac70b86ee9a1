"""Error types. Messages name the file and, where there is one, the line, row or record."""

from __future__ import annotations


class CorroboratorError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(CorroboratorError):
    """An input file (or one line, row or record of it) cannot be read."""

    def __init__(self, path: str, reason: str, locator: str | None = None) -> None:
        self.path = path
        self.locator = locator
        self.reason = reason
        where = f"{path}:{locator}" if locator else path
        super().__init__(f"{where}: {reason}")


class RuleError(CorroboratorError):
    """A rule or data file shipped with (or added to) the package is malformed."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
