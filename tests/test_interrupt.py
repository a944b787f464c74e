"""Ctrl-C during the PDF phase: soffice stopped with its process group, nothing left behind, nothing written later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLE, FIXTURES, ROOT, run, with_ctrl_c


def _workbook(folder: Path, org: str, email: str | None = None) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Заявка"]["B4"] = org
    if email is not None:
        wb["Заявка"]["B9"] = email
    path = folder / f"{org}.xlsx"
    wb.save(path)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose: it runs nothing and writes nothing
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_in_the_pdf_phase_stops_soffice_and_leaves_nothing(tmp_path: Path) -> None:
    books = tmp_path / "книги"
    books.mkdir()
    sources = [_workbook(books, "МАОУ HANG"), _workbook(books, "МАОУ LATE")]
    soffice = tmp_path / "soffice"
    soffice.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FIXTURES / "fake_soffice.py"}" "$@"\n',
                       encoding="utf-8")
    soffice.chmod(0o755)
    pids = tmp_path / "pids"
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "DOCGEN_SOFFICE": str(soffice), "FAKE_SOFFICE_PIDS": str(pids), "TMPDIR": str(temp),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(with_ctrl_c([sys.executable, "-m", "docgen", "render", *map(str, sources), "-o", str(out),
                                         "--workers", "2"]), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    try:
        started = _wait_for(lambda: pids.exists() and len(pids.read_text().splitlines()) == 2, 120)
        assert started, "both soffice calls should have started"
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to docgen (soffice runs in a group of its own)
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    processes = [int(pid) for line in pids.read_text().splitlines() for pid in line.split()]
    stopped = _wait_for(lambda: not any(_alive(pid) for pid in processes), 5)
    for pid in processes:  # never leave the fake running when the test fails
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130  # 128 + SIGINT, as shells and scripts expect of Ctrl+C
    said = stderr.decode()
    assert "Traceback" not in said
    assert (f"Прервано (Ctrl+C): ни один файл этого запуска не был готов, записанное раньше не тронуто; недоделанные "
            f"файлы удалены (временная папка в «{out}»); LibreOffice остановлен, его временные папки удалены."
            ) in said
    assert len(processes) == 3  # two soffice calls and the child of the hanging one
    assert stopped, "soffice must be stopped"
    time.sleep(3.5)  # the «LATE» call would have written its PDF by now
    assert [p.name for p in out.iterdir()] == []  # no staging folder, no PDF written after docgen exited
    assert sorted(p.name for p in temp.iterdir()) == []  # no profiles, no lu*.tmp


def test_ctrl_c_after_some_files_were_made_names_them_and_exits_130(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C between the marked copies and the call list: the copies stay, and docgen says which ones."""
    import docgen.calls

    books = tmp_path / "книги"
    books.mkdir()
    for org in ("МАОУ А", "МАОУ Б"):
        _workbook(books, org, email="почта")  # a problem: a marked copy is made
    marked = tmp_path / "замечания"

    def interrupt(*_args: object) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(docgen.calls, "calls_workbook", interrupt)
    result = run("check", str(books), "--annotate", str(marked), "--calls", str(tmp_path / "звонки.xlsx"))
    assert result.exit_code == 130
    kept = sorted(marked.iterdir())
    assert [p.name for p in kept] == ["МАОУ А — замечания.xlsx", "МАОУ Б — замечания.xlsx"]
    assert (f"Прервано (Ctrl+C): готовые файлы этого запуска остались (2): «{kept[0]}», «{kept[1]}»."
            ) in result.output  # nothing was half-made: the call list had not been started
    assert not (tmp_path / "звонки.xlsx").exists()
    assert [p.name for p in marked.iterdir() if p.name.startswith(".")] == []  # no staging folder left
