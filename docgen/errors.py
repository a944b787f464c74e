"""Define every error docgen raises, so the CLI can show each one in Russian without a traceback.

The tree::

    DocgenError                      anything docgen reports to a user; exit code 1 or 2
    ├── InputError                   the user's workbook is unusable
    │   ├── WorkbookFileError        not a readable workbook: .xlsb, lock file, encrypted, corrupt, too big
    │   └── WorkbookInvalidError     an .xlsx whose content breaks rules: carries every Problem at once
    ├── TemplateError                a .docx template cannot be used
    │   └── TemplateContractError    the template names a value the model does not have
    ├── RenderError                  docxtpl/Jinja failed while filling a valid template
    ├── ConversionError              LibreOffice did not turn a .docx into a PDF
    │   └── ConverterMissingError    LibreOffice is not installed
    └── OutputError                  the result cannot be written where asked
        └── OutputExistsError        a different file is already there and --force was not given
            └── OutputEditedError    …and it is a file docgen made that was changed since (by hand)

Errors carry their facts as attributes (path, sheet, row, …) and build the message from them, so code and tests
can inspect the facts and the user reads one consistent Russian sentence.  A `Problem` is not an exception: it is
one finding about one place of a workbook (an error or a warning); `WorkbookInvalidError` carries a list of them.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """Tell whether a finding stops rendering (error) or is only reported (warning)."""

    ERROR = "ошибка"
    WARNING = "предупреждение"
    INFO = "сведения"  # neither wrong nor doubtful: a deadline, a count


@dataclass(frozen=True)
class CellRef:
    """Point at one cell of a workbook, with the header of its column when the sheet has one."""

    sheet: str
    row: int | None = None
    column: str | None = None  # a column letter, "D"
    header: str | None = None  # what the user sees at the top of the column or left of the row

    def __str__(self) -> str:
        parts = [f"Лист «{self.sheet}»"]
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column is not None:
            col = f"столбец {self.column}"
            if self.header:
                col += f" («{self.header}»)"
            parts.append(col)
        elif self.header:
            parts.append(f"«{self.header}»")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """Describe one thing wrong with a workbook: where, what is expected, and the rule it comes from."""

    message: str
    where: CellRef | None = None
    rule: str | None = None  # "Положение, п. 3.2": the point of the regulation, when there is one
    severity: Severity = Severity.ERROR
    value: object = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.rule:
            text += f" ({self.rule})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def _rebuild(cls: type[DocgenError], state: dict[str, object]) -> DocgenError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message"))
    error.__dict__.update(state)
    return error


class DocgenError(Exception):
    """Root of everything docgen reports; `str()` is the Russian message for the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take their facts, not the message, so the default pickling (cls(*args)) would fail when an
        # error travels back from a worker process.
        return (_rebuild, (type(self), dict(self.__dict__)))


class InputError(DocgenError):
    """Report that the user's input cannot be used."""


class WorkbookFileError(InputError):
    """Report a file that is not a readable .xlsx workbook."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Файл «{path.name}»: {reason}")


class WorkbookInvalidError(InputError):
    """Report every problem found in a workbook at once."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = list(problems)
        errors = [p for p in self.problems if p.is_error]
        lines = [f"Файл «{path.name}»: ошибок — {len(errors)}, документ не создан."]
        lines += [f"  • {p}" for p in errors]
        super().__init__("\n".join(lines))


class TemplateError(DocgenError):
    """Report a template that cannot be used."""

    def __init__(self, template: Path | str, reason: str) -> None:
        self.template = template
        self.reason = reason
        name = template.name if isinstance(template, Path) else template
        super().__init__(f"Шаблон «{name}»: {reason}")


class TemplateContractError(TemplateError):
    """Report names used by a template that the document's data does not have."""

    def __init__(self, template: Path | str, unknown: Sequence[tuple[str, str]]) -> None:
        self.unknown = list(unknown)  # (name, where)
        details = "; ".join(f"«{name}» ({where})" for name, where in self.unknown)
        super().__init__(template, f"неизвестные имена данных: {details}")


class RenderError(DocgenError):
    """Report a failure of docxtpl/Jinja while filling a template."""


class ConversionError(DocgenError):
    """Report a .docx that LibreOffice did not convert to PDF."""

    def __init__(self, document: Path | str, reason: str) -> None:
        self.document = document
        self.reason = reason
        name = document.name if isinstance(document, Path) else document
        super().__init__(f"PDF для «{name}» не создан: {reason}")


class ConverterMissingError(ConversionError):
    """Report that LibreOffice is not installed."""

    exit_code = 2

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(
            "—",
            reason or "не найден LibreOffice (soffice). Установите его командой «make demo» (в Windows и macOS — "
            "с libreoffice.org) или укажите путь к soffice в переменной DOCGEN_SOFFICE; "
            "или выберите только .docx: --format docx",
        )


class OutputError(DocgenError):
    """Report that a result cannot be written."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Файл «{path}»: {reason}")


class OutputExistsError(OutputError):
    """Refuse to replace a different existing file without --force."""

    def __init__(self, path: Path, reason: str | None = None) -> None:
        super().__init__(
            path, reason or "уже существует и отличается от нового; чтобы заменить его, добавьте --force"
        )


class OutputEditedError(OutputExistsError):
    """Refuse to replace a file docgen made that was changed since (a clerk's edit) without --force."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path, "изменён после того, как docgen его создал (правка вручную?), а книга или шаблон тоже изменились; "
                  "docgen не заменяет правку: перенесите её в книгу и добавьте --force (файл будет сделан заново "
                  "из книги) или переименуйте файл"
        )


_OS_REASONS = {
    errno.ENOSPC: "нет места на диске",
    errno.EDQUOT: "превышена квота на диске",
    errno.EISDIR: "на месте файла — папка с тем же именем",
    errno.ENOTDIR: "в пути вместо папки — файл с тем же именем",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "нет прав доступа",
    errno.EROFS: "диск доступен только для чтения",
    errno.ENAMETOOLONG: "слишком длинное имя файла или путь",
    errno.ENOENT: "папка не найдена (удалена или переименована во время работы?)",
    errno.EIO: "ошибка ввода-вывода диска",
    errno.EBUSY: "файл занят другой программой",
    errno.ETXTBSY: "файл занят другой программой",
    errno.EMFILE: "открыто слишком много файлов",
    errno.ENFILE: "открыто слишком много файлов",
    errno.EFBIG: "файл слишком большой для этого диска",
    errno.EXDEV: "папка на другом диске",
    errno.EEXIST: "файл с таким именем уже есть",
    errno.ENOTEMPTY: "папка не пуста",
    errno.EINVAL: "недопустимое имя или действие для этого диска",
}


def os_reason(exc: OSError) -> str:
    """Say in Russian why the operating system refused to read or write (never its English strerror)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    code = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else type(exc).__name__
    return f"ошибка операционной системы ({code})"
