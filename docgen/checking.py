"""Check workbooks without making papers: the one check the command line and the web page both show.

`check_workbook` never raises for a workbook's fault: a file that is not a workbook comes back with its error, a
workbook with problems comes back with every problem found in one pass (fields and the regulation's rules
together), and with everything that could be read from it (`Checked.loaded.data`) for a call-back list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docgen.errors import DocgenError, Problem, Severity
from docgen.loader import Loaded, load


@dataclass
class Checked:
    """What checking one workbook found."""

    path: Path
    loaded: Loaded | None  # None when the file itself could not be read
    error: DocgenError | None  # the file-level error (not a workbook, broken, …)

    @property
    def problems(self) -> list[Problem]:
        """Errors, warnings and notes in the order of the workbook's sheets and rows; [] if the file failed."""
        return [] if self.loaded is None or self.error is not None else list(self.loaded.problems)

    @property
    def ok(self) -> bool:
        """Tell whether the papers can be made: the file was read and no problem is an error."""
        return self.error is None and self.loaded is not None and not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.INFO]


def check_workbook(path: Path, today: date | None = None) -> Checked:
    """Read and check one workbook; `today` switches on the checks of deadlines."""
    try:
        return Checked(path, load(path, today), None)
    except DocgenError as exc:
        return Checked(path, None, exc)


def check_many(paths: Sequence[Path], today: date | None = None) -> list[Checked]:
    """Check each workbook on its own, in the order given; one broken file does not stop the others."""
    return [check_workbook(path, today) for path in paths]
