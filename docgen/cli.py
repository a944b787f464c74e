"""Offer the command line: `docgen new`, `docgen check`, `docgen render`, all in Russian.

The only module that prints.  Every DocgenError becomes its Russian message on stderr and an exit code (1: the
data or a document failed, 2: the command was called wrongly or the machine lacks LibreOffice); a traceback is a
bug.  click's own messages are English, so usage errors are translated here too.
"""

from __future__ import annotations

import difflib
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from docgen.blank import build_blank
from docgen.checking import Checked, check_many
from docgen.errors import DocgenError, Problem, Severity, WorkbookInvalidError, os_reason
from docgen.kinds import PAPERS
from docgen.loader import load
from docgen.models import Application
from docgen.output import Ledger, current_ledger, ledger, note_published, own_note, own_output, staging
from docgen.pdf import PdfConverter
from docgen.pipeline import FORMATS, Outcome, expand, render_many, render_paper
from docgen.profiles import DEFAULT_PROFILE, available, load_profile, profile_key
from docgen.schema import SPECS
from docgen.text import year_span

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what shells and scripts expect of a program stopped by Ctrl+C


def _help_option() -> click.Option:
    return click.Option(["-h", "--help"], is_flag=True, expose_value=False, is_eager=True,
                        help="Показать эту справку и выйти.", callback=_show_help)


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit(0)


class _Russian:
    """Russian headings for click's help pages."""

    def get_help_option(self, ctx: click.Context) -> click.Option:
        return _help_option()

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Использование: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _ru(text)) for p in self.get_params(ctx)  # type: ignore[attr-defined]
                if (record := p.get_help_record(ctx)) for name, text in [record]]
        if rows:
            with formatter.section("Параметры"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [(name, cmd.get_short_help_str(80)) for name in self.list_commands(ctx)
                        if (cmd := self.get_command(ctx, name)) is not None]
            with formatter.section("Команды"):
                formatter.write_dl(commands)


def _ru(text: str) -> str:
    return text.replace("[required]", "[обязательно]").replace("default:", "по умолчанию:")


class RuCommand(_Russian, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        super().__init__(*args, **kwargs)


class RuGroup(_Russian, click.Group):
    command_class = RuCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]…")
        super().__init__(*args, **kwargs)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Commands are listed by format_options, under a Russian heading."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        book = Ledger()
        try:
            with ledger() as book:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except KeyboardInterrupt:  # Ctrl+C outside click's own handling (it turns it into Abort, below)
            click.echo(interrupted(book), err=True)
            code = EXIT_INTERRUPTED
        except click.exceptions.NoArgsIsHelpError as exc:  # «docgen» alone: the help, not an error
            click.echo(exc.ctx.get_help() if exc.ctx is not None else "", color=None)
            code = EXIT_OK
        except click.UsageError as exc:
            click.echo(f"Ошибка: {_usage_message(exc)}", err=True)
            click.echo("Справка: docgen --help", err=True)
            code = EXIT_USAGE
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                click.echo(interrupted(book), err=True)
                code = EXIT_INTERRUPTED
            else:  # end of input at a prompt
                click.echo("Прервано.", err=True)
                code = EXIT_FAILED
        except DocgenError as exc:
            click.echo(str(exc), err=True)
            code = exc.exit_code
        except OSError as exc:  # a stage let one through: still a Russian sentence, never a traceback
            where = f"«{exc.filename}»: " if exc.filename else ""
            click.echo(f"Ошибка записи или чтения {where}{os_reason(exc)}", err=True)
            code = EXIT_FAILED
        sys.exit(code if isinstance(code, int) else EXIT_OK)


SHOWN_KEPT = 10


def interrupted(book: Ledger) -> str:
    """Say what a run stopped by Ctrl+C kept and what it removed (staging folders are gone by the time this runs)."""
    kept = book.kept()
    if kept:
        names = ", ".join(f"«{p}»" for p in kept[:SHOWN_KEPT])
        more = f" и ещё {len(kept) - SHOWN_KEPT}" if len(kept) > SHOWN_KEPT else ""
        saved = f"готовые файлы этого запуска остались ({len(kept)}): {names}{more}"
    else:
        saved = "ни один файл этого запуска не был готов, записанное раньше не тронуто"
    removed = []
    if book.abandoned:
        places = ", ".join(dict.fromkeys(f"«{s.parent}»" for s in book.abandoned))
        removed.append(f"недоделанные файлы удалены (временная папка в {places})")
    if book.office_started:
        removed.append("LibreOffice остановлен, его временные папки удалены")
    return "Прервано (Ctrl+C): " + "; ".join([saved, *removed]) + "."


def _usage_message(exc: click.UsageError) -> str:
    """Say click's usage error in Russian; click's own texts are English."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return f"не указан обязательный {'параметр' if isinstance(exc.param, click.Option) else 'аргумент'} " \
               f"{_param_name(exc.param)}"
    if isinstance(exc, click.NoSuchOption):
        near = f"; может быть, {' или '.join(exc.possibilities)}?" if exc.possibilities else ""
        return f"неизвестный параметр {exc.option_name}{near}"
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint
        name = _param_name(exc.param) if exc.param is not None else (
            "/".join(hint) if isinstance(hint, list | tuple) else hint or "")
        return f"неверное значение {name}: {_ru_reason(exc.message)}".replace("  ", " ")
    text = exc.format_message()
    if text.startswith("No such command"):
        name = text.split("'")[1] if "'" in text else text.split(" ", 3)[-1].rstrip(".")
        commands = sorted(main.commands)
        close = difflib.get_close_matches(name, commands, n=1)
        guess = f"; может быть, «{close[0]}»?" if close else "."
        return f"неизвестная команда «{name}»{guess} Команды: {', '.join(commands)}"
    if "requires an argument" in text:
        return f"параметру {text.split()[1]} нужно значение"
    if text.startswith("Got unexpected extra argument"):
        return f"лишние аргументы: {text.split('(')[-1].rstrip(').')}"
    return _ru_reason(text)


def _param_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return "/".join(param.opts) + (f" {param.metavar}" if param.metavar and not param.is_flag else "")
    return param.metavar or (param.name or "").upper()


_CLICK_REASONS = (
    (re.compile(r"(.+?) is not in the range (\S+?)<=x<=(\S+?)\.?$"), "«{0}» — нужно число от {1} до {2}"),
    (re.compile(r"(.+?) is not in the range x>=(\S+?)\.?$"), "«{0}» — нужно число не меньше {1}"),
    (re.compile(r"'?(.*?)'? is not a valid integer( range)?\.?$"), "«{0}» — нужно целое число"),
    (re.compile(r"'?(.*?)'? is not a valid float( range)?\.?$"), "«{0}» — нужно число"),
    (re.compile(r"(?:File|Path|Directory) '(.*)' does not exist\.?$"), "«{0}» не найден"),
    (re.compile(r"(?:File|Path) '(.*)' is a directory\.?$"), "«{0}» — это папка, а нужен файл"),
    (re.compile(r"Directory '(.*)' is a file\.?$"), "«{0}» — это файл, а нужна папка"),
    (re.compile(r"'(.*)' is not one of (.*)\.?$"), "«{0}»; допустимо: {1}"),
)


def _ru_reason(text: str) -> str:
    for pattern, russian in _CLICK_REASONS:
        m = pattern.match(text)
        if m:
            return russian.format(*m.groups())
    return text


@click.group("docgen", cls=RuGroup, context_settings={"max_content_width": 100})
def main() -> None:
    """docgen — официальные документы стажировочных площадок из книг Excel.

    \b
    1. docgen new zayavka -o заявка.xlsx   — пустая книга для заполнения
    2. docgen check заявка.xlsx            — все ошибки книги сразу
    3. docgen render заявка.xlsx -o out/   — документ .docx и .pdf

    \b
    Виды документов (ВИД) — можно по-русски:
      zayavka (заявка), otchet (отчёт — отчёт стажировочной площадки,
      Томск), otchet_praktika (отчёт по практике, Турочакский район),
      plan (план — план деятельности), rasporyazhenie (распоряжение).
    Муниципалитет (--profile): tomsk (Томск), turochak (Турочак).
    """


KIND_NAMES = {
    "заявка": "zayavka", "отчет": "otchet", "отчет стажировочной площадки": "otchet",
    "отчет по практике": "otchet_praktika", "практика": "otchet_praktika", "план": "plan",
    "план деятельности": "plan", "распоряжение": "rasporyazhenie", "приказ": "rasporyazhenie",
}


def kind_key(text: str) -> str | None:
    """Return the kind of paper a person means: «zayavka», «заявка», «Отчёт по практике», «отчет_по_практике»."""
    wanted = " ".join(text.lower().replace("ё", "е").replace("_", " ").replace("-", " ").split())
    if wanted.replace(" ", "_") in SPECS:
        return wanted.replace(" ", "_")
    return KIND_NAMES.get(wanted)


KIND_SHOWN = {"zayavka": "заявка", "otchet": "отчёт", "otchet_praktika": "отчёт по практике", "plan": "план",
              "rasporyazhenie": "распоряжение"}


def _kinds_offered() -> str:
    return ", ".join(f"{key} ({KIND_SHOWN[key]})" if key in KIND_SHOWN else key for key in SPECS)


@main.command("new")
@click.argument("kind", metavar="ВИД")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), metavar="ФАЙЛ",
              help="Куда сохранить книгу (.xlsx).")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True, metavar="ПРОФИЛЬ",
              help="Муниципалитет: " + ", ".join(available()) + ".")
@click.option("--site", metavar="АДРЕС",
              help="Адрес сайта docgen управления образования (http://…): лист «Инструкция» отправит туда "
                   "проверять книгу. Без него — «адрес сообщит методист».")
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
def new(kind: str, output: Path, profile: str, site: str | None, force: bool) -> int:
    """Создать пустую книгу для заполнения.

    \b
    ВИД: zayavka (заявка), otchet (отчёт), otchet_praktika (отчёт по практике),
    plan (план), rasporyazhenie (распоряжение).

    \b
    Примеры:
      docgen new заявка -o заявка.xlsx
      docgen new отчёт -o отчёт.xlsx
      docgen new заявка --profile Турочак -o заявка.xlsx
      docgen new заявка -o заявка.xlsx --site http://docgen.example.ru/
    """
    kind = kind_key(kind) or kind
    if kind not in SPECS:
        raise click.BadParameter(f"«{kind}»; доступно: {_kinds_offered()}", param_hint="ВИД")
    profile = profile_key(profile) or profile
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("имя файла должно оканчиваться на .xlsx", param_hint="-o")
    chosen = load_profile(profile)
    if kind not in chosen.documents:
        offered = ", ".join(k for k in chosen.documents if k in PAPERS)
        raise click.BadParameter(f"в профиле «{profile}» нет документа «{PAPERS[kind].name}»; есть: {offered}",
                                 param_hint="ВИД")
    if site is not None and not re.fullmatch(r"https?://\S+", site.strip()):
        raise click.BadParameter(f"«{site}»; ожидается адрес сайта, например http://docgen.example.ru/",
                                 param_hint="--site")
    if output.exists() and not force:
        click.echo(f"Файл «{output}» уже существует; чтобы заменить его, добавьте --force", err=True)
        return EXIT_FAILED
    with staging(output.parent if str(output.parent) else Path()) as folder:
        staged = folder / output.name
        build_blank(SPECS[kind], profile, site=site.strip() if site else None).save(staged)
        staged.replace(output)
        note_published(output)
    click.echo(f"Создана книга «{output}». Заполните её и проверьте: docgen check \"{output}\"")
    return EXIT_OK


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"«{value}»; ожидается дата ДД.ММ.ГГГГ")


@main.command("check")
@click.argument("workbooks", nargs=-1, required=True, metavar="КНИГА_ИЛИ_ПАПКА…", type=click.Path(path_type=Path))
@click.option("--today", callback=_date, metavar="ДД.ММ.ГГГГ",
              help="Какой сегодня день для сроков (по умолчанию — сегодня).")
@click.option("--annotate", "annotate_dir", metavar="ПАПКА", type=click.Path(path_type=Path, file_okay=False),
              help="Сохранить в ПАПКУ копии книг с замечаниями: ячейки закрашены, текст — в примечаниях, "
                   "первый лист «Замечания». Сами книги не меняются.")
@click.option("--calls", "calls_file", metavar="ФАЙЛ.xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="Сохранить список «кому перезвонить»: организация, руководитель, телефон, e-mail, "
                   "что исправить, файл — по строке на книгу с замечаниями.")
@click.option("--force", is_flag=True, help="Заменять прежние копии и список, если они отличаются.")
def check(workbooks: tuple[Path, ...], today: date | None, annotate_dir: Path | None, calls_file: Path | None,
          force: bool) -> int:
    """Проверить книги и показать все ошибки, предупреждения и сроки.

    \b
    Примеры:
      docgen check заявка.xlsx
      docgen check заявки/ --annotate замечания/
      docgen check заявки/ --calls "кому перезвонить.xlsx"
    """
    if calls_file is not None and calls_file.suffix.lower() != ".xlsx":
        raise click.BadParameter("имя файла должно оканчиваться на .xlsx", param_hint="--calls")
    sources = _workbooks(workbooks)
    if not sources:
        return EXIT_FAILED
    checked = check_many(sources, today or date.today())
    failed = 0
    for item in checked:
        if item.error is not None:
            click.echo(str(item.error), err=True)
            failed += 1
            continue
        errors, warnings = item.errors, item.warnings
        status = "ошибок нет" if not errors else f"ошибок — {len(errors)}"
        click.echo(f"Файл «{item.path.name}»: {status}, предупреждений — {len(warnings)}.")
        for problem in [*errors, *warnings, *item.notes]:
            click.echo(_line(problem))
        failed += bool(errors)
    try:
        if annotate_dir is not None:
            _annotate(checked, annotate_dir, force)
        if calls_file is not None:
            from docgen.calls import calls_workbook  # noqa: PLC0415
            from docgen.output import write_atomically  # noqa: PLC0415

            write_atomically(calls_file, calls_workbook(checked), force=force)
            click.echo(f"Список «кому перезвонить»: «{calls_file}».")
    except DocgenError as exc:
        click.echo(str(exc), err=True)
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def _annotate(checked: list[Checked], folder: Path, force: bool) -> None:
    """Write a marked copy of each workbook with problems into `folder`."""
    from docgen.annotate import annotate_workbook, annotated_names  # noqa: PLC0415 - loads with the option

    marked = [item for item in checked if item.error is None and item.problems]
    for item, name in zip(marked, annotated_names([item.path for item in marked]), strict=True):
        written = annotate_workbook(item, folder / name, force=force)
        click.echo(f"Копия с замечаниями: «{written}».")
    if not marked:
        click.echo("Замечаний нет ни в одной книге: копии с замечаниями не нужны.")


def _line(problem: Problem) -> str:
    return f"  • [{problem.severity.value}] {problem}"


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    if value == "both":
        return FORMATS
    if value not in FORMATS:
        raise click.BadParameter(f"«{value}»; допустимо: docx, pdf, both")
    return (value,)


def _batch_options(command: Callable[..., int]) -> Callable[..., int]:
    """Add --workers and --timeout, which every batch command shares."""
    command = click.option("--timeout", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
                           metavar="СЕК", help="Сколько секунд ждать LibreOffice на один документ.")(command)
    return click.option("--workers", type=click.IntRange(1, 64), metavar="N",
                        help="Сколько процессов (по умолчанию — по числу ядер).")(command)


def _workbooks(inputs: tuple[Path, ...]) -> list[Path]:
    """Expand folders into workbooks; say so when there are none (the caller then exits 1)."""
    sources = []
    for path in expand(inputs):
        what = own_output(path)
        if what is None:
            sources.append(path)
        else:  # a registry written into the folder of заявки, a call-back list beside them
            click.echo(f"  • [{Severity.INFO.value}] {own_note(path, what)}.")
    if not sources:
        named = ", ".join(f"«{p}»" for p in inputs)
        click.echo(f"В {named} не найдено ни одной книги (.xlsx, .xls, .ods) — нечего делать.", err=True)
    return sources


@main.command("render")
@click.argument("workbooks", nargs=-1, required=True, metavar="КНИГА_ИЛИ_ПАПКА…", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, metavar="ПАПКА",
              type=click.Path(path_type=Path, file_okay=False),
              help="Папка для документов.")
@click.option("--format", "formats", default="both", callback=_formats, metavar="docx|pdf|both",
              help="Какие файлы создать (по умолчанию оба).")
@click.option("--template", type=click.Path(path_type=Path, dir_okay=False), metavar="ФАЙЛ",
              help="Свой шаблон .docx вместо встроенного.")
@click.option("--force", is_flag=True,
              help="Сделать всё заново и заменять существующие файлы с другим содержимым (и правленные вручную).")
@click.option("--pdfa", is_flag=True, help="PDF/A-2b для архива (шрифты встроены, метаданные PDF/A).")
@click.option("--draft", is_flag=True,
              help="Сделать проект, даже если в книге есть ошибки: на каждой странице отметка «ПРОЕКТ», "
                   "нерешённые замечания — после текста, имя файла начинается с «ПРОЕКТ — ».")
@_batch_options
def render(*, workbooks: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], template: Path | None,
           force: bool, pdfa: bool, draft: bool, workers: int | None, timeout: float) -> int:
    """Создать документы (.docx и .pdf) из заполненных книг.

    Повторный запуск в ту же папку делает заново только то, что изменилось
    (книга, шаблон, профиль, параметры, docgen); остальное — «без изменений».
    Что из чего сделано, docgen помнит в файле .docgen-record.json этой папки.

    \b
    Примеры:
      docgen render заявка.xlsx -o документы/
      docgen render заявки/ -o документы/ --format pdf
      docgen render заявка.xlsx -o черновики/ --draft
      docgen render заявки/ -o документы/ --force   — всё заново
    """
    sources = _workbooks(workbooks)
    if not sources:
        return EXIT_FAILED
    started = time.monotonic()
    notes: list[str] = []
    with ProgressBar() as bar:
        outcomes = render_many(sources, out_dir, formats=formats, force=force, template=template,
                               converter_factory=converter_factory(workers, timeout, pdfa), workers=workers,
                               progress=bar.update, draft=draft, reuse=True, notes=notes)
    for note in notes:
        click.echo(f"Примечание: {note}", err=True)
    return _report(outcomes, time.monotonic() - started)


def converter_factory(workers: int | None, timeout: float, pdfa: bool) -> Callable[[], PdfConverter]:
    def make() -> PdfConverter:
        from docgen import pdf  # noqa: PLC0415 - looked up at call time, so tests can replace the converter

        book = current_ledger()
        if book is not None:  # for the word on Ctrl+C
            book.office_started = True
        return pdf.LibreOfficeConverter(workers=workers, timeout_per_file=timeout, pdfa=pdfa)

    return make


class ProgressBar:
    """Draw «DOCX ████░░░░ 120/200 · PDF ██░░░░░░ 40/200» on a terminal; stay silent when output is redirected."""

    WIDTH = 16

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.drawn = False
        self.phases: dict[str, tuple[int, int, int]] = {}
        self.lock = threading.Lock()  # .docx and PDF progress arrive from different threads

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.drawn:
            click.echo("", err=True)

    def update(self, phase: str, done: int, total: int, failed: int) -> None:
        if not self.enabled or total == 0:
            return
        with self.lock:
            self.phases[phase] = (done, total, failed)
            parts = []
            for name, (d, t, f) in self.phases.items():
                filled = self.WIDTH * d // t
                bar = "█" * filled + "░" * (self.WIDTH - filled)
                parts.append(f"{name.upper()} {bar} {d}/{t}" + (f" ошибок: {f}" if f else ""))
            click.echo("\r" + " · ".join(parts) + "   ", err=True, nl=False)
            self.drawn = True


DETAIL_LIMIT = 20  # above this many workbooks, successes are summed up, not listed one by one


def _report(outcomes: list[Outcome], seconds: float | None = None, *, list_files: bool = True) -> int:
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        # a file edited by hand and kept is named even in a long run: someone has to decide about it
        if outcome.ok and list_files and (len(outcomes) <= DETAIL_LIMIT or outcome.kept):
            click.echo(f"Файл «{outcome.source.name}»: {_made(outcome)}")
        elif not outcome.ok:
            click.echo(str(outcome.error), err=True)
        if len(outcomes) <= DETAIL_LIMIT or not outcome.ok:
            for warning in outcome.warnings:
                click.echo(f"  • {warning}")
    if len(outcomes) > 1 and seconds is not None:
        _summary(outcomes, failed, seconds)
    click.echo(f"Готово: {len(outcomes) - len(failed)} из {len(outcomes)}"
               + (f", с ошибками: {len(failed)}." if failed else "."))
    if failed:
        return max((o.error.exit_code for o in failed if o.error is not None), default=EXIT_FAILED)
    return EXIT_OK


def _made(outcome: Outcome) -> str:
    """Say which files are new, which were already there as they are («без изменений») and which were edited."""
    fresh = [p for p in outcome.written if p not in outcome.unchanged and p not in outcome.kept]
    parts = []
    if fresh:
        parts.append("создано " + ", ".join(f"«{p}»" for p in fresh))
    if outcome.unchanged:
        parts.append("без изменений " + ", ".join(f"«{p}»" for p in outcome.unchanged))
    if outcome.kept:
        parts.append("изменён после создания и оставлен как есть (сделать заново из книги — с --force) "
                     + ", ".join(f"«{p}»" for p in outcome.kept))
    return "; ".join(parts) or "файлов нет"


def _summary(outcomes: list[Outcome], failed: list[Outcome], seconds: float) -> None:
    made = [p for o in outcomes for p in o.written if p not in o.unchanged and p not in o.kept]
    same = [p for o in outcomes for p in o.unchanged]
    kept = [p for o in outcomes for p in o.kept]
    documents = sum(len(o.documents) for o in outcomes if o.ok)
    done = sum(len(o.documents) for o in outcomes if o.ok and not o.reused)  # the documents this run worked on
    reused = sum(o.reused for o in outcomes)

    def count(files: list[Path]) -> str:
        return f"{sum(p.suffix == '.docx' for p in files)} / {sum(p.suffix == '.pdf' for p in files)}"

    rows = [
        ("Книг", str(len(outcomes))),
        ("Успешно", str(len(outcomes) - len(failed)) + (f" (из них без изменений — {reused})" if reused else "")),
        ("С ошибками", str(len(failed))),
        ("Документов", str(documents)),
        ("Файлов .docx / .pdf", f"создано {count(made)}, без изменений {count(same)}"),
        *([("Изменены вручную", f"{len(kept)} — оставлены как есть")] if kept else []),
        ("Время", f"{seconds:.1f} с".replace(".", ",")),
        ("Скорость", f"{done / seconds:.1f} док/с".replace(".", ",") if seconds > 0 and done else "—"),
    ]
    width = max(len(name) for name, _ in rows)
    click.echo("Итог:")
    for name, value in rows:
        click.echo(f"  {name.ljust(width)}  {value}")
    if failed:
        click.echo("Не сделано:")
        for outcome in failed:
            reason = str(outcome.error).splitlines()[0] if outcome.error else ""
            reason = reason.removeprefix(f"Файл «{outcome.source.name}»: ")  # the line names the file already
            click.echo(f"  • {outcome.source.name}: {reason}")


def _school_year(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    parts = value.replace("–", "-").split("-")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts) and int(parts[1]) == int(parts[0]) + 1:
        return int(parts[0])
    raise click.BadParameter(f"«{value}»; ожидается учебный год вида 2024-2025")


@main.command("plan")
@click.argument("workbook", metavar="ЗАЯВКА", type=click.Path(path_type=Path))
@click.option("--year", "year", required=True, callback=_school_year, metavar="ГГГГ-ГГГГ",
              help="Учебный год из дорожной карты, например 2024-2025.")
@click.option("-o", "--output", "out_dir", required=True, metavar="ПАПКА",
              type=click.Path(path_type=Path, file_okay=False), help="Папка для документов.")
@click.option("--format", "formats", default="both", callback=_formats, metavar="docx|pdf|both",
              help="Какие файлы создать (по умолчанию оба).")
@click.option("--approved", "approved", callback=_date, metavar="ДД.ММ.ГГГГ",
              help="Дата утверждения плана; без неё — строка для заполнения от руки.")
@click.option("--force", is_flag=True, help="Заменять существующие файлы с другим содержимым.")
def plan(*, workbook: Path, year: int, out_dir: Path, formats: tuple[str, ...], approved: date | None,
         force: bool) -> int:
    """Сделать план деятельности на учебный год из дорожной карты заявки.

    \b
    Пример:
      docgen plan заявка.xlsx --year 2024-2025 -o документы/ --approved 30.08.2024
    """
    loaded = load(workbook)
    if loaded.errors or loaded.model is None:
        click.echo(str(WorkbookInvalidError(workbook, loaded.problems)), err=True)
        return EXIT_FAILED
    if not isinstance(loaded.model, Application):
        click.echo(f"Файл «{workbook.name}»: это не заявка; план делается из дорожной карты заявки", err=True)
        return EXIT_FAILED
    if "plan" not in loaded.model.profile.documents:
        click.echo(f"В профиле «{loaded.model.profile.key}» нет плана деятельности", err=True)
        return EXIT_FAILED
    if year not in loaded.model.plan_years:
        years = ", ".join(year_span(y, y + 1) for y in loaded.model.plan_years)
        click.echo(f"Учебного года {year_span(year, year + 1)} нет в дорожной карте заявки; есть: {years}", err=True)
        return EXIT_FAILED
    paper = loaded.model.plan_for(year, approved)
    return _report([render_paper(workbook, paper, out_dir, formats=formats, force=force)])


@main.command("registry")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, metavar="ВЫХОД",
              type=click.Path(path_type=Path, file_okay=False), help="Папка для файлов реестра.")
@click.option("--title", metavar="ТЕКСТ",
              help="Свой заголовок реестра и страницы для сайта (по умолчанию «Реестр заявок на присвоение "
                   "статуса стажировочной площадки» и «Реестр стажировочных площадок»).")
@click.option("--date", "formed", callback=_date, metavar="ДД.ММ.ГГГГ",
              help="Дата формирования реестра (по умолчанию — сегодня).")
@click.option("--order", is_flag=True,
              help="Ещё и книга распоряжения на следующий год: тексты из профиля, лист «Площадки» — из заявок "
                   "без ошибок; останется вписать номер, дату и прекращаемые площадки.")
@click.option("--force", is_flag=True, help="Заменять существующие файлы с другим содержимым.")
def registry(folder: Path, out_dir: Path, title: str | None, formed: date | None, *, order: bool, force: bool) -> int:
    """Сформировать реестр заявок из папки с книгами заявок.

    \b
    В папке ВЫХОД появятся:
      «Реестр заявок.xlsx» и «Реестр заявок.docx» (и .pdf, если есть
      LibreOffice) — все заявки, книги с ошибками — с замечаниями;
      «Реестр стажировочных площадок.html» — страница для официального
      сайта, только заявки без ошибок; из нескольких заявок одной
      организации — самая новая (по дате заявки, затем по времени файла).
    Книги других видов (отчёты, планы) пропускаются.

    \b
    Пример:
      docgen registry заявки/ -o реестр/ --date 31.05.2023
      docgen registry заявки/ -o реестр/ --order
    """
    from docgen.registry import HTML, make_registry  # noqa: PLC0415 - the registry loads only when asked for

    if not folder.is_dir():
        what = "это файл, а нужна папка с книгами заявок" if folder.exists() else "папка не найдена"
        raise click.BadParameter(f"«{folder}»: {what}", param_hint="ПАПКА")
    if title is not None and not title.strip():
        raise click.BadParameter("заголовок не может быть пустым", param_hint="--title")
    made = make_registry(folder, out_dir, title=title.strip() if title else None, formed=formed, force=force,
                         order=order)
    for skipped in made.collected.skipped:
        click.echo(f"Файл «{skipped.source.name}»: {skipped.reason}, пропущен.")
    for broken in made.collected.broken:
        click.echo(broken.message, err=True)
    for repeat in made.collected.repeats:
        click.echo(f"[предупреждение] {repeat.message}", err=True)
    if made.collected.mixed:
        click.echo(f"[предупреждение] {made.collected.mixed}", err=True)
    if made.pdf_note:
        click.echo(made.pdf_note, err=True)
    if made.pdf_error:
        click.echo(str(made.pdf_error), err=True)
    reg = made.registry
    fresh = [p for p in made.written if p not in made.unchanged]
    if fresh:
        click.echo("Создано: " + ", ".join(f"«{p}»" for p in fresh))
    if made.unchanged:  # a re-run that changed nothing says so, not «создано»
        click.echo("Без изменений: " + ", ".join(f"«{p}»" for p in made.unchanged))
    repeats = f", повторных — {reg.repeat_count}" if reg.repeat_count else ""
    click.echo(f"Реестр: заявок — {reg.total}, с ошибками — {reg.broken_count}{repeats}; "
               f"на странице для сайта «{HTML}» — {len(reg.published)}.")
    # a repeat is resolved (the newest is published) but the folder still needs a clerk's hand: not «всё сделано»
    return EXIT_FAILED if reg.broken_count or reg.repeat_count or made.pdf_error else EXIT_OK


@main.command("archive")
@click.argument("workbooks", nargs=-1, required=True, metavar="КНИГА_ИЛИ_ПАПКА…", type=click.Path(path_type=Path))
@click.option("-o", "--output", "target", required=True, metavar="ПАПКА_ИЛИ_ZIP", type=click.Path(path_type=Path),
              help="Папка архива или файл .zip.")
@click.option("--force", is_flag=True, help="Заменить существующий архив.")
@_batch_options
def archive(*, workbooks: tuple[Path, ...], target: Path, force: bool, workers: int | None, timeout: float) -> int:
    """Сложить документы в архив: .docx, PDF/A-2b и опись (manifest.csv, manifest.json) с SHA-256.

    \b
    Пример:
      docgen archive документы_2023/ -o архив_2023.zip
    """
    from docgen.archive import MANIFEST_CSV, make_archive  # noqa: PLC0415 - the archive loads only when asked for

    sources = _workbooks(workbooks)
    if not sources:
        return EXIT_FAILED
    started = time.monotonic()
    with ProgressBar() as bar:
        made = make_archive(sources, target, force=force, converter_factory=converter_factory(workers, timeout, True),
                            workers=workers, progress=bar.update)
    code = _report(made.outcomes, time.monotonic() - started, list_files=False)
    if not made.written:
        click.echo(f"Архив «{target}» не создан: ни один документ не получился.", err=True)
        return code or EXIT_FAILED
    click.echo(f"Архив «{target}»: файлов — {len(made.entries)}, опись — {MANIFEST_CSV} и manifest.json.")
    if made.failures:
        click.echo(f"В архиве нет документов из книг с ошибками ({len(made.failures)}); они перечислены в описи.",
                   err=True)
    for name in made.kept:
        click.echo(f"Файл «{name}» прежнего архива изменён после записи и оставлен как есть; в новую опись он не "
                   "входит.", err=True)
    return code


# --- docgen serve (the web page; kept in one block: issue-13) -------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")  # every address of the machine: no one can open a link with it


def site_links(host: str, port: int, token: str | None) -> list[str]:
    """Return the links to send to schools: for a wildcard host, the machine's own name and network address."""
    import socket  # noqa: PLC0415 - only for this command

    names = [host]
    if host in WILDCARD:
        names = []
        try:
            # a UDP «connect» sends nothing: it only picks the address the machine would use to reach the network
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("10.255.255.255", 1))
                names.append(probe.getsockname()[0])
        except OSError:
            pass
        names += [socket.getfqdn(), socket.gethostname()]
        names = [n for i, n in enumerate(names) if n and n not in names[:i] and n not in (*WILDCARD, *LOOPBACK)
                 and not n.startswith("127.")] or ["АДРЕС-СЕРВЕРА"]
    query = f"?token={token}" if token else ""
    return [f"http://{f'[{name}]' if ':' in name else name}:{port}/{query}" for name in names]


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="АДРЕС",
              help="Адрес, на котором слушать; любой, кроме 127.0.0.1, требует --token или --open.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, metavar="ПОРТ",
              help="Порт.")
@click.option("--token", envvar="DOCGEN_TOKEN", metavar="КЛЮЧ",
              help="Ключ доступа: страницы открываются только по ссылке с ним (или переменная DOCGEN_TOKEN).")
@click.option("--open", "open_access", is_flag=True,
              help="Открыть доступ без ключа всем, кто видит этот адрес (только во внутренней сети).")
@click.option("--keep", "keep_minutes", type=click.FloatRange(1, 7 * 24 * 60), default=60.0, show_default=True,
              metavar="МИН", help="Сколько минут хранить загруженные книги и документы.")
@click.option("--max-files", type=click.IntRange(1, 10000), default=200, show_default=True, metavar="N",
              help="Сколько книг можно загрузить за один раз.")
@click.option("--max-mb", type=click.IntRange(1, 2000), default=50, show_default=True, metavar="МБ",
              help="Сколько мегабайт можно загрузить за один раз.")
@_batch_options
def serve(*, host: str, port: int, token: str | None, open_access: bool, keep_minutes: float, max_files: int,
          max_mb: int, workers: int | None, timeout: float) -> int:
    """Запустить сайт: школы проверяют книги и получают документы в браузере.

    \b
    Примеры:
      docgen serve                                  — только на этом компьютере
      docgen serve --host 0.0.0.0 --token секрет    — для школ по ссылке с ключом
    """
    import uvicorn  # noqa: PLC0415 - the web stack loads only for this command

    from docgen.web.app import Settings, create_app  # noqa: PLC0415

    if host not in LOOPBACK and not token and not open_access:
        raise click.BadParameter(f"«{host}» открывает сайт другим компьютерам: задайте ключ доступа --token "
                                 "(или DOCGEN_TOKEN) или явно разрешите доступ без ключа: --open",
                                 param_hint="--host")
    if token is not None and len(token) < 16:
        raise click.BadParameter("ключ доступа должен быть не короче 16 символов", param_hint="--token")
    server = create_app(Settings(token=token, retention_minutes=keep_minutes, max_files=max_files, max_upload_mb=max_mb,
                                 workers=workers, timeout=timeout))
    links = site_links(host, port, token)
    if host in WILDCARD:
        click.echo("Сайт docgen слушает все адреса этого компьютера. Ссылка для школ — одна из этих (если в сети "
                   "сервер зовут иначе, подставьте его имя или адрес):")
        for link in links:
            click.echo(f"  {link}")
    else:
        click.echo(f"Сайт docgen: {links[0]}")
    click.echo(f"Книги и документы хранятся {keep_minutes:g} мин после загрузки, проверка книг школы — 10 мин после "
               "первого скачивания. Остановить: Ctrl+C.")
    try:
        uvicorn.run(server.app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
    finally:
        server.close()
    return EXIT_OK
