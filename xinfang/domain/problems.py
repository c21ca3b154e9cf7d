"""Validation results as values: a Problem says what is wrong, where, and how sure we are."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    level: Level
    field: str
    message: str  # Chinese, says what to do

    def to_dict(self) -> dict:
        return {"level": self.level, "field": self.field, "message": self.message}


def error(field: str, message: str) -> Problem:
    return Problem("error", field, message)


def warning(field: str, message: str) -> Problem:
    return Problem("warning", field, message)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level == "error" for p in problems)


class DomainError(Exception):
    """A refusal meant for a person: `message` is Chinese and says what to do."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.message = message
        self.problems = problems

    def to_dict(self) -> dict:
        return {"error": self.message, "problems": [p.to_dict() for p in self.problems]}


STALE_MESSAGE = "本件已被他人更新，请刷新后重试"


class StaleRecord(DomainError):
    """Someone else changed the record since this user read it (optimistic concurrency): nothing was saved;
    the front end shows the message and reloads the record."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


def expected_version(current: int, seen: int | None) -> int:
    """The version an action claims in its transaction: the one its user saw, or, not given, the one just read.
    A user who saw an older one is refused at once (the decision was made on an outdated screen), before any
    other check."""
    if seen is not None and int(seen) != int(current):
        raise StaleRecord()
    return int(current)
