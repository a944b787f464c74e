"""The server's shared LibreOffice pool, driven by the fake soffice: batching across requests, names kept apart."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from docgen.web.pool import CANCELLED, ConverterPool

FAKE = Path(__file__).resolve().parent / "fixtures" / "fake_soffice.py"


def logging_soffice(tmp_path: Path, gate: Path | None = None) -> tuple[list[str], Path]:
    """A soffice command that records the files of every call in `calls.txt`, then runs the fake soffice.

    With `gate`, the first call waits until that file exists: the test decides when the slot is free again
    (the pool converts copies named 0000.docx…, so the fake's «SLOW» by name cannot be used).
    """
    log = tmp_path / "calls.txt"
    script = tmp_path / "soffice.py"
    script.write_text(
        "import os, runpy, sys, time\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as fh:\n"
        "    fh.write(' '.join(a for a in sys.argv[1:] if a.endswith('.docx')) + '\\n')\n"
        f"gate = {str(gate) if gate else ''!r}\n"
        f"first = len(open({str(log)!r}, encoding='utf-8').read().splitlines()) == 1\n"
        "deadline = time.monotonic() + 120  # never hang a broken test run for good\n"
        "while gate and first and not os.path.exists(gate) and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        f"sys.argv = [{str(FAKE)!r}, *sys.argv[1:]]\n"
        f"runpy.run_path({str(FAKE)!r}, run_name='__main__')\n", encoding="utf-8")
    return [sys.executable, str(script)], log


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a state of the pool, not for a time: the test goes on only once `condition` holds."""
    deadline = time.monotonic() + 120
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


def source(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_same_names_from_two_requests_stay_apart(tmp_path: Path) -> None:
    command, _log = logging_soffice(tmp_path)
    pool = ConverterPool(slots=2, soffice=command, workspace=tmp_path / "pool", warm=False)
    try:
        first = source(tmp_path / "a", "Заявка.docx", b"first school")
        second = source(tmp_path / "b", "Заявка.docx", b"second school")
        results: dict[str, dict[Path, str | None]] = {}
        threads = [threading.Thread(target=lambda p=p: results.update({p.parent.name: pool.converter().convert(
            [p], p.parent)})) for p in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == {"a": {first: None}, "b": {second: None}}
        assert b"first school" in (tmp_path / "a" / "Заявка.pdf").read_bytes()
        assert b"second school" in (tmp_path / "b" / "Заявка.pdf").read_bytes()
    finally:
        pool.close()
    assert not (tmp_path / "pool").exists()


def test_requests_waiting_together_share_one_soffice_call(tmp_path: Path) -> None:
    """Three requests that queue while the only slot is busy go to LibreOffice in one call.

    The busy call is held until all three are queued (a gate file, not a sleep): on a loaded machine the first
    call could otherwise end before the others were queued, and they would go one by one.
    """
    gate = tmp_path / "gate"
    command, log = logging_soffice(tmp_path, gate)
    pool = ConverterPool(slots=1, soffice=command, workspace=tmp_path / "pool", warm=False)
    try:
        busy = source(tmp_path / "busy", "busy.docx", b"busy")
        blocker = threading.Thread(target=lambda: pool.converter().convert([busy], busy.parent))
        blocker.start()
        wait_until(log.exists, "the only slot started converting the first file")
        waiting = [source(tmp_path / f"r{i}", f"{i}.docx", b"x") for i in range(3)]
        threads = [threading.Thread(target=lambda p=p: pool.converter().convert([p], p.parent)) for p in waiting]
        for thread in threads:
            thread.start()
        wait_until(lambda: pool.queue.qsize() == 3, "three requests queued behind the busy slot")
        gate.touch()  # the slot is free again
        for thread in [blocker, *threads]:
            thread.join()
        calls = log.read_text(encoding="utf-8").splitlines()
        assert len(calls) == 2, calls  # the slow file, then the three queued requests together
        assert len(calls[1].split()) == 3
        assert all((p.parent / f"{p.stem}.pdf").exists() for p in waiting)
    finally:
        pool.close()


def test_a_cancelled_request_leaves_nothing(tmp_path: Path) -> None:
    command, _log = logging_soffice(tmp_path)
    pool = ConverterPool(slots=1, soffice=command, workspace=tmp_path / "pool", warm=False)
    try:
        files = [source(tmp_path / "job", f"{i}.docx", b"x") for i in range(3)]
        result = pool.converter(cancelled=lambda: True).convert(files, tmp_path / "job")
        assert result == dict.fromkeys(files, CANCELLED)
        assert not list((tmp_path / "job").glob("*.pdf"))
    finally:
        pool.close()


def test_never_more_slots_than_cores(tmp_path: Path) -> None:
    pool = ConverterPool(slots=64, workspace=tmp_path / "pool", soffice="soffice")
    assert pool.slots == (os.cpu_count() or 1)
    pool.close()
