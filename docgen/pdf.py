"""Turn .docx files into PDF behind a small interface, so unit tests run without LibreOffice.

`LibreOfficeConverter` runs headless soffice with its own user profile (two soffice processes sharing a profile
fail intermittently), the Word import filter forced (otherwise a non-.docx file is silently imported as plain text),
at most 200 files per call (soffice silently drops files past ~250 arguments and still exits 0), a timeout, and a
check that every expected PDF exists and is not empty, because soffice exits 0 when a file fails to load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from docgen.errors import ConversionError, ConverterMissingError

BATCH_LIMIT = 200


class PdfConverter(Protocol):
    """Convert .docx files into PDFs with the same stem in `out_dir`; return the PDFs in the same order."""

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]: ...


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class LibreOfficeConverter:
    """Convert with headless LibreOffice, in batches, each conversion checked."""

    def __init__(self, soffice: str | None = None, timeout: float = 300.0) -> None:
        found = soffice or find_soffice()
        if found is None:
            raise ConverterMissingError()
        self.soffice = found
        self.timeout = timeout

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        results: list[Path] = []
        for start in range(0, len(sources), BATCH_LIMIT):
            results += self._batch(sources[start:start + BATCH_LIMIT], out_dir)
        return results

    def _batch(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        expected = [out_dir / (s.stem + ".pdf") for s in sources]
        for pdf in expected:
            pdf.unlink(missing_ok=True)  # an old PDF must not pass for a new one
        with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
            command = [
                self.soffice, f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless", "--norestore", "--nolockcheck", "--nodefault",
                "--infilter=MS Word 2007 XML", "--convert-to", "pdf:writer_pdf_Export",
                "--outdir", str(out_dir), *map(str, sources),
            ]
            env = {**os.environ, "HOME": profile}  # LibreOffice writes under $HOME too; keep it private
            try:
                done = subprocess.run(command, capture_output=True, timeout=self.timeout, check=False, env=env,
                                      stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired as exc:
                raise ConversionError(sources[0], f"LibreOffice не ответил за {self.timeout:.0f} с") from exc
            except OSError as exc:
                raise ConversionError(sources[0], f"LibreOffice не запустился ({exc.strerror})") from exc
        for source, pdf in zip(sources, expected, strict=True):
            if not pdf.is_file() or pdf.stat().st_size == 0:
                output = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
                detail = output.splitlines()[-1] if output else f"код завершения {done.returncode}"
                raise ConversionError(source, f"LibreOffice не создал PDF ({detail})")
        return expected
