"""Load `docgen serve` as many schools would, and compare it with `docgen render` in the same run.

    .venv/bin/python benchmarks/serve_load.py [--clients 20] [--per-client 10] [--single-repeat 3] [--workdir DIR]

1. Throughput: `--clients` clients upload `--per-client` workbooks each, all at once, to a `docgen serve` started
   beforehand (as a department's server runs); each waits for its job and downloads every paper.  The same
   clients × per-client workbooks go through one `docgen render` (a fresh process, as a user runs it).  Reported:
   documents per second of each and their ratio (goal ≥ 0.8), every workbook made or reported (none lost), and the
   peak RSS of each whole process tree (the server with its LibreOffice pool; the CLI with its workers).
2. One workbook: a cold `docgen render` of it (the Python start, the imports, a LibreOffice start) against the warm
   server (upload, wait, download the PDF); median of `--single-repeat` each; goal web/CLI ≤ 0.4.

Results: printed as Markdown and written to benchmarks/SERVE_RESULTS.md and serve_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import make_workbooks, tree_rss  # noqa: E402 - the generator and the sampler of the main benchmark

DOCGEN = Path(sys.executable).with_name("docgen")
TARGET_THROUGHPUT = 0.8
TARGET_SINGLE = 0.4


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def peak_rss(pid: int) -> Iterator[list[int]]:
    """Sample the RSS of `pid` and its descendants every 100 ms; the peak is in the list yielded, when done."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(pid))
            stop.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_cli(sources: list[Path], out: Path) -> dict[str, Any]:
    """Run `docgen render` over `sources` in a fresh process; count what it made."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    proc = subprocess.Popen([str(DOCGEN), "render", *map(str, sources), "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    with peak_rss(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    pdfs = len(list(out.glob("*.pdf"))) if out.is_dir() else 0
    docx = len(list(out.glob("*.docx"))) if out.is_dir() else 0
    failed = len(re.findall(r"^Файл «", stderr.decode("utf-8", "replace"), re.M))
    return {"seconds": seconds, "pdf": pdfs, "docx": docx, "failed": failed, "peak_rss": peak[0],
            "exit": proc.returncode, "summary": stdout.decode("utf-8", "replace").strip().splitlines()[-1:]}


@contextmanager
def server(workdir: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "TMPDIR": str(workdir)}
    errors = (workdir / "serve.err").open("wb")
    proc = subprocess.Popen([str(DOCGEN), "serve", "--port", str(port), "--max-files", "500"], env=env,
                            stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("docgen serve did not start: " + (workdir / "serve.err").read_text())
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        errors.close()
        if proc.returncode not in (0, -15):
            log(f"docgen serve ended with {proc.returncode}: {(workdir / 'serve.err').read_text()[-2000:]}")


def client_run(url: str, books: list[Path], out: Path) -> dict[str, Any]:
    """Upload `books` as one school, wait for the job, download every paper; count what came back."""
    out.mkdir(parents=True, exist_ok=True)
    with httpx2.Client(base_url=url, timeout=600) as http:
        files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in books]
        response = http.post("/check", files=files, follow_redirects=False)
        if response.status_code != 303:
            return {"made": 0, "reported": 0, "lost": len(books), "error": response.status_code}
        job = response.headers["location"]
        while http.get(job + "/status").json()["state"] in ("queued", "running"):
            time.sleep(0.2)
        page = http.get(job).text
        links = re.findall(r'<a href="(/job/[^"]+/file/\d+)"[^>]*>([^<]*)</a>', page)
        pdfs = 0
        for href, label in links:
            if label.endswith((".pdf", ".docx")):
                blob = http.get(href).content
                (out / label).write_bytes(blob)
                pdfs += label.endswith(".pdf") and blob.startswith(b"%PDF")
        reasons = re.findall(r'<p class="problem-file">([^<]*)</p>', page)
        return {"made": pdfs, "reported": len(reasons), "lost": len(books) - pdfs - len(reasons), "reasons": reasons}


def run_web(url: str, pid: int, groups: list[list[Path]], out: Path) -> dict[str, Any]:
    results: list[dict[str, Any]] = [{} for _ in groups]

    def work(index: int) -> None:
        results[index] = client_run(url, groups[index], out / f"client{index}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(groups))]
    started = time.monotonic()
    with peak_rss(pid) as peak:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.monotonic() - started
    reasons = sorted({reason for r in results for reason in r.get("reasons", [])})
    return {"seconds": seconds, "made": sum(r.get("made", 0) for r in results),
            "reported": sum(r.get("reported", 0) for r in results), "lost": sum(r.get("lost", 0) for r in results),
            "peak_rss": peak[0], "reasons": reasons[:5]}


def timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=10)
    parser.add_argument("--single-repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="docgen-serve-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    total = args.clients * args.per_client
    log(f"{total} workbooks into {workdir}")
    books = make_workbooks(total, workdir / "books")
    groups = [books[i * args.per_client:(i + 1) * args.per_client] for i in range(args.clients)]

    with server(workdir, ) as (url, pid):
        log("warm-up: one workbook through the server")
        client_run(url, books[:1], workdir / "warmup")
        time.sleep(3)  # the idle offices restart after the warm-up
        log(f"web: {args.clients} clients × {args.per_client} workbooks at once")
        web = run_web(url, pid, groups, workdir / "web")
        log(f"web: {web}")
        time.sleep(3)
        single_web = []
        for i in range(args.single_repeat):
            single_web.append(timed(lambda i=i: client_run(url, books[i:i + 1], workdir / f"single-web{i}")))
            time.sleep(3)  # a school's next request comes later: the idle office is up again
        log(f"web single: {single_web}")
    log("cli: the same workbooks with docgen render")
    cli = run_cli(books, workdir / "cli")
    log(f"cli: {cli}")
    single_cli = [timed(lambda i=i: run_cli(books[i:i + 1], workdir / f"single-cli{i}"))
                  for i in range(args.single_repeat)]
    log(f"cli single: {single_cli}")

    web_rate = web["made"] / web["seconds"]
    cli_rate = cli["pdf"] / cli["seconds"]
    single = statistics.median(single_web) / statistics.median(single_cli)
    rows = [
        ("Книг", f"{total} ({args.clients} клиентов × {args.per_client})", str(total)),
        ("Сделано PDF / сообщено об ошибке / потеряно", f"{web['made']} / {web['reported']} / {web['lost']}",
         f"{cli['pdf']} / {cli['failed']} / {total - cli['pdf'] - cli['failed']}"),
        ("Время, с", f"{web['seconds']:.1f}", f"{cli['seconds']:.1f}"),
        ("Документов в секунду", f"{web_rate:.2f}", f"{cli_rate:.2f}"),
        ("Пиковая память (всё дерево процессов), МБ", f"{web['peak_rss'] / 2**20:.0f}",
         f"{cli['peak_rss'] / 2**20:.0f}"),
        ("Одна книга, медиана, с", f"{statistics.median(single_web):.2f}", f"{statistics.median(single_cli):.2f}"),
    ]
    lines = [
        f"Машина: {os.cpu_count()} ядра, {platform.platform()}, Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d %H:%M')} UTC.",
        "",
        "| | docgen serve | docgen render |",
        "|---|---|---|",
        *[f"| {name} | {web_value} | {cli_value} |" for name, web_value, cli_value in rows],
        "",
        f"Пропускная способность сайта / командной строки: **{web_rate / cli_rate:.2f}** (цель ≥ {TARGET_THROUGHPUT}).",
        f"Одна книга, сайт / командная строка: **{single:.2f}** (цель ≤ {TARGET_SINGLE}).",
    ]
    text = "\n".join(lines)
    print(text)
    (HERE / "SERVE_RESULTS.md").write_text("# docgen serve под нагрузкой\n\n" + text + "\n", encoding="utf-8")
    (HERE / "serve_results.json").write_text(json.dumps(
        {"web": web, "cli": cli, "single_web": single_web, "single_cli": single_cli,
         "throughput_ratio": web_rate / cli_rate, "single_ratio": single}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
