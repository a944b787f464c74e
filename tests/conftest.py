"""Shared fixtures: the shipped example workbook, edited copies of it, and a fake PDF converter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Editor = Callable[[openpyxl.Workbook], None]


def _untracked() -> set[str] | None:
    """Return the repository's untracked, not ignored files; None outside a git checkout (an installed copy)."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--others", "--exclude-standard", "-z"],
                              capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return {name for name in done.stdout.decode("utf-8", "replace").split("\0") if name}


@pytest.fixture(scope="session", autouse=True)
def repository_stays_clean() -> Iterator[None]:
    """Fail the run when tests leave a new file in the repository (a stray pkcs11.txt, a workbook, an output).

    Only files that appear during the run count: a developer's own untracked files are there before it.
    """
    before = _untracked()
    yield
    after = _untracked()
    if before is None or after is None:
        return
    left = sorted(after - before)
    assert not left, f"the test run left files in the repository {ROOT}: {left}"


def run(*args: str) -> Result:
    """Run the CLI through click's runner; a traceback or an uncaught exception fails the test."""
    from docgen import cli

    result = CliRunner().invoke(cli.main, list(args))
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def with_ctrl_c(command: Sequence[str]) -> list[str]:
    """Wrap a command so that Ctrl+C (SIGINT) reaches it as it does from a terminal.

    A shell without job control starts background jobs with SIGINT ignored, and an ignored signal stays ignored
    through exec: pytest run that way (CI, `make test &`) would start a docgen that never sees the test's Ctrl+C.
    The wrapper restores the default before it execs the command.
    """
    restore = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
               "os.execvp(sys.argv[1], sys.argv[1:])")
    return [sys.executable, "-c", restore, *command]


def require(*tools: str) -> None:
    """Skip a test whose external tools are missing, but fail it on CI, where `make test` must install them."""
    for tool in tools:
        if shutil.which(tool) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{tool} is not installed; `make test` should have installed it")
            pytest.skip(f"{tool} is not installed")


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that saves a copy of the example after `edit(workbook)` and returns its path."""

    def make(edit: Editor, name: str = "заявка.xlsx") -> Path:
        wb = openpyxl.load_workbook(EXAMPLE)
        edit(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "в работе" / EXAMPLE.name
    target.parent.mkdir()
    shutil.copy(EXAMPLE, target)
    return target


class FakeConverter:
    """Stand in for LibreOffice: write a tiny PDF that names its source, or fail on chosen file names."""

    def __init__(self, fail: set[str] | None = None, **options: object) -> None:
        self.fail = fail or set()
        self.options = options  # what the CLI asked of LibreOffice: workers, timeout_per_file, pdfa
        self.calls: list[list[str]] = []

    def convert(self, sources: Sequence[Path], out_dir: Path,
                progress: Callable[[Path, str | None], None] | None = None) -> dict[Path, str | None]:
        self.calls.append([s.name for s in sources])
        results: dict[Path, str | None] = {}
        for source in sources:
            if any(source.stem.endswith(name) for name in self.fail):
                results[source] = "LibreOffice не создал PDF (тест)"
            else:
                pdf = out_dir / f"{source.stem}.pdf"
                pdf.write_bytes(b"%PDF-1.4\n% fake for " + source.name.encode() + b"\n%%EOF\n")
                results[source] = None
            if progress is not None:
                progress(source, results[source])
        return results


@pytest.fixture
def fake_converter() -> FakeConverter:
    return FakeConverter()


def with_form_xml(example: Path, folder: Path, change: Callable[[bytes], bytes]) -> Path:
    """Copy the example with the XML of its form sheet changed."""
    path = folder / "изменённая.xlsx"
    with zipfile.ZipFile(example) as src, zipfile.ZipFile(path, "w") as dst:
        wb = openpyxl.load_workbook(example, read_only=True)
        form_part = wb["Заявка"]._worksheet_path
        wb.close()
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == form_part else data)
    return path


def untypeset(text: str) -> str:
    """Undo text.typeset but for its non-breaking spaces: word joiners and break marks out, «‑» back to «-».

    For comparing a printed value with what was typed; the non-breaking spaces stay, tests assert on them.
    """
    return text.replace("\u200b", "").replace("\u2060", "").replace("\u2011", "-")


def flat(text: str) -> str:
    """Undo text.typeset entirely: as `untypeset`, and non-breaking spaces as plain ones."""
    return untypeset(text).replace("\u00a0", " ")


@pytest.fixture(autouse=True)
def _print_check(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the print check (tests/printcheck.py) on every PDF a LibreOffice test leaves in its tmp_path.

    A test that makes a badly set PDF on purpose is marked `badly_set`.
    """
    node = request.node
    checked = (node.get_closest_marker("libreoffice") is not None and node.get_closest_marker("badly_set") is None
               and "tmp_path" in request.fixturenames)
    # asked for here, tmp_path is torn down after this fixture, so its PDFs are still there below
    folder: Path | None = request.getfixturevalue("tmp_path") if checked else None
    yield
    report = getattr(node, "rep_call", None)
    if folder is None or (report is not None and report.failed):
        return
    from tests.printcheck import check_pdf, is_libreoffice_pdf

    problems = {str(pdf.relative_to(folder)): check_pdf(pdf) for pdf in sorted(folder.rglob("*.pdf"))
                if is_libreoffice_pdf(pdf)}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, f"the print check found problems in PDFs this test made: {problems}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
