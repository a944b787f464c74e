"""Ctrl-C during the PDF phase: soffice stopped with its process group, nothing left behind, nothing written later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from tests.conftest import EXAMPLE, FIXTURES, ROOT


def _workbook(folder: Path, org: str) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Заявка"]["B4"] = org
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
    proc = subprocess.Popen([sys.executable, "-m", "docgen", "render", *map(str, sources), "-o", str(out),
                             "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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
    assert proc.returncode != 0
    assert "Прервано" in stderr.decode() and "Traceback" not in stderr.decode()
    assert len(processes) == 3  # two soffice calls and the child of the hanging one
    assert stopped, "soffice must be stopped"
    time.sleep(3.5)  # the «LATE» call would have written its PDF by now
    assert [p.name for p in out.iterdir()] == []  # no staging folder, no PDF written after docgen exited
    assert sorted(p.name for p in temp.iterdir()) == []  # no profiles, no lu*.tmp
