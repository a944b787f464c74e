"""Take the README's pictures of the web page: the start page, a check with problems, the methodologist's desk.

Starts `docgen serve` on a free port (its jobs in a temporary folder), drives Debian's chromium through Playwright
as tests/test_web_browser.py does, and saves small PNGs (1000 px wide, 256 colours) as docs/web-*.png.  Needs what
`make test` installs (playwright, chromium, LibreOffice for the drafts and the registry's PDF).

    .venv/bin/python scripts/screenshot_web.py [--out docs]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import openpyxl
from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
TUROCHAK = ROOT / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"
HABITS = ROOT / "examples" / "tomsk" / "Заявка МБОУ СОШ № 7 (заполнена как обычно).xlsx"
CHROMIUM = "/usr/bin/chromium"
WIDTH = 1000
MAX_HEIGHT = 1500  # a picture in a README, not the whole page


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def with_mistakes(folder: Path) -> Path:
    """The example заявка with the mistakes a school makes: an e-mail without «@», a term in words, no head's name."""
    wb = openpyxl.load_workbook(EXAMPLE)
    form = wb["Заявка"]
    for (label, value) in form.iter_rows(min_col=1, max_col=2):
        text = str(label.value or "")
        if text.startswith("E-mail"):
            value.value = "school56.tomsk.ru"
        elif text.startswith("ФИО руководителя"):
            value.value = None
    wb["Дорожная карта"]["D8"] = "после каникул"
    path = folder / "Заявка гимназии 56.xlsx"
    wb.save(path)
    return path


def save(page: Page, target: Path, most: int = MAX_HEIGHT) -> None:
    """Screenshot the top of the page (at most `most` px) and write it as a 256-colour PNG."""
    height = min(most, int(page.evaluate("document.documentElement.scrollHeight")))
    shot = page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": height}, full_page=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
          f"{image.width}×{image.height}, {target.stat().st_size // 1024} КБ")


def wait_for_job(page: Page, heading: str) -> None:
    page.get_by_role("heading", name=heading).wait_for(timeout=180_000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    out = parser.parse_args().out.resolve()
    docgen = Path(sys.executable).with_name("docgen")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="docgen-shots-") as scratch:
        work = Path(scratch)
        env = {**os.environ, "TMPDIR": str(work), "HOME": str(work)}
        server = subprocess.Popen([str(docgen), "serve", "--port", str(port), "--keep", "5"], env=env, cwd=work,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx2.get(url + "/")
                    break
                except httpx2.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("docgen serve did not start") from None
                    time.sleep(0.2)
            broken = with_mistakes(work)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, env=env,
                                            args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                page = browser.new_page(viewport={"width": WIDTH, "height": 800}, locale="ru-RU")
                page.goto(url + "/")
                save(page, out / "web-start.png")

                page.set_input_files("#files", str(broken))
                page.get_by_role("button", name="Проверить и сделать документы").click()
                wait_for_job(page, "Результат проверки")
                save(page, out / "web-check.png")

                page.goto(url + "/desk")
                page.set_input_files("#files", [str(EXAMPLE), str(TUROCHAK), str(HABITS), str(broken)])
                page.get_by_role("button", name="Проверить и сделать реестр").click()
                wait_for_job(page, "Реестр и документы готовы")
                save(page, out / "web-desk.png", most=1000)  # the registry's block and the first workbooks
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
