"""One error hierarchy: every failure the project raises on purpose is a ``ProjectError``.

Messages name the file, row, field and value and end with the fix, so that a user who reads only the
message knows what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ProjectError(Exception):
    """Base class of every deliberate error in the project."""

    exit_code: int = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it is, how to fix it."""

    file: str
    row: int | None  # row as a spreadsheet shows it (header = row 1); None for a whole-file problem
    field: str | None
    value: object
    message: str
    fix: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = Path(self.file).name if self.file else "<input>"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", column '{self.field}'"
        value = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}: {self.message}{value}. Fix: {self.fix} [{self.code}]"


class InputError(ProjectError):
    """One or more problems in an input file; all of them are listed, not only the first."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        head = summary or f"{len(self.problems)} problem(s) found"
        # the first line carries a reason, so one-line summaries (the index, a failure banner) say what is wrong
        if not self.problems:
            super().__init__(head)
        elif len(self.problems) == 1:
            super().__init__(f"{head}: {self.problems[0]}")
        else:
            first = f", first: {self.problems[0]}" if self.problems else ""
            super().__init__(head + first + "\n" + "\n".join(f"  - {p}" for p in self.problems))


class RegisterError(InputError):
    """The claims register (or its exclusions, units or seeds) is invalid."""


class ContextDataError(InputError):
    """Context data (figures, mappings, rates) is invalid or its checksum does not match."""


class CoverageError(InputError):
    """A seed states a quantity that is neither a register claim nor an exclusion."""


class ParameterError(ProjectError):
    """A notebook parameter is unknown, of the wrong type, or breaks a declared rule."""

    def __init__(self, problems: list[str], notebook: str = "") -> None:
        self.problems = list(problems)
        where = f" for {notebook}" if notebook else ""
        if len(self.problems) == 1:  # one line, so summaries and failure banners show the reason itself
            super().__init__(f"invalid parameter{where}: {self.problems[0]}")
        else:
            super().__init__(f"{len(self.problems)} invalid parameters{where}, first: {self.problems[0]}\n"
                             + "\n".join(f"  - {p}" for p in self.problems))


class PlanError(ProjectError):
    """The run plan (runs.yaml) is malformed or names something that does not exist."""


class ConversionError(ProjectError):
    """An amount cannot be converted: the rate table lacks the currency or date it needs."""


class ArticleError(ProjectError):
    """An article given to ``suggest`` is empty, not UTF-8, or states no quantity."""


class ArticlesError(InputError):
    """The articles table (data/articles.csv) or its copies table is invalid or out of step with seeds/."""


class ArticleSourceError(ProjectError):
    """A saved page or address given to add-article gives no usable article: the fetch failed, no article
    text was found, the body is too short, or the article is already a seed."""


class BatchLockedError(ProjectError):
    """Another batch holds the lock on the reports directory."""


class ReportsDirError(ProjectError):
    """The reports directory (or a folder the batch needs in it) cannot be created or written."""


class QuantityParseError(ProjectError):
    """A phrase given to ``parse_quantity`` holds no quantity."""


class PublishError(ProjectError):
    """A companion file of a report (its PDF, workbook or claim reviews) cannot be written."""

    exit_code = 1


class ReviewError(InputError):
    """Candidate rows given to ``append`` are still marked as unreviewed suggestions."""


class EconError(ProjectError, ValueError):
    """An economics function got an input it cannot compute with (non-positive level, no years...)."""


class SeriesError(ProjectError):
    """A requested context series is empty, ambiguous or would mix period kinds or units."""


class PeriodError(ProjectError, ValueError):
    """A period label (a context figure's ``year``) that is none of the period forms ``helpers.periods`` reads."""


class MineralsError(ProjectError):
    """A claim or context figure cannot be used the way the minerals report needs (wrong unit, no level)."""


class SnapshotError(ProjectError):
    """A snapshot of an agency's series is missing, altered (checksum), or lacks the series asked for."""


class RefreshConfigError(InputError):
    """The refresh plan (data/snapshots/sources.yaml) or the refresh command line is invalid."""


class SourceUnavailable(ProjectError):
    """An agency's service could not be reached or refused the request; its last good snapshot is kept."""

    exit_code = 3


class Transient(SourceUnavailable):
    """A refresh failure worth retrying (rate limit, 5xx, time-out); ``wait`` is the delay the service asked for
    (seconds), if it said one. ``helpers.refresh.net.retrying`` retries it and, after the last attempt, raises
    ``SourceUnavailable``; one that escapes a retry is a source that cannot be reached (exit 3, snapshot kept)."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class UnexpectedResponse(ProjectError):
    """An agency's service answered in a format the refresh does not understand; its snapshot is kept."""

    exit_code = 3


class BatchTerminated(KeyboardInterrupt):
    """The batch received SIGTERM: it stops like on Ctrl-C (kernels stopped, staging cleaned, reports kept)."""
