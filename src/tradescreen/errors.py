"""Errors that carry where bad input was found, so every service can say so plainly."""

from __future__ import annotations


class TradescreenError(Exception):
    """Base class for errors a user should see as a message, not a traceback."""


class InputError(TradescreenError):
    """Bad input: names the file, line and field where known.

    Services map it to exit code 2 (CLI) or HTTP 400/422 (API).
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """`file:line: field 'x': problem`, leaving out what is unknown."""
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line is not None else "")
        elif self.line is not None:
            where = f"line {self.line}"
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {what}{self.problem}" if where else f"{what}{self.problem}"


class NotFoundError(TradescreenError):
    """A requested object (entity, version, case, alert) does not exist."""
