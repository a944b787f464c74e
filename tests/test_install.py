"""An installed wheel renders every example, outside the checkout (pip install of the repository, as a user does).

The wheel is built from this checkout and installed into a fresh virtual environment in a temporary folder; the
libraries it depends on are borrowed from the running environment (a path file), so no index is needed, but docgen
itself — code, profiles, templates — can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (the wheel, the python of a fresh venv that has it installed)."""
    where = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # from a copy, as from a fresh clone: an in-tree build/ left by an earlier build could hide a missing step
    source = where / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "out", "build", "*.egg-info",
                                                                 "__pycache__", ".*_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(where / "dist"), str(source)],
                   check=True, env=env, cwd=where, stdin=subprocess.DEVNULL)
    wheel = next((where / "dist").glob("docgen-*.whl"))
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies of the running environment, after the venv's own site-packages; its .pth files (the
    # editable install of this checkout among them) are not processed for a directory added this way
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "borrowed-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, env=env, cwd=where, stdin=subprocess.DEVNULL)
    return wheel, python


def test_the_wheel_carries_every_template_a_clerk_edits(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as zf:
        shipped = {Path(n).name: zf.read(n) for n in zf.namelist() if n.startswith("docgen/templates/")}
    edited = {p.name: p.read_bytes() for p in (ROOT / "templates" / "docx").glob("*.docx")}
    assert edited
    assert shipped == edited


def test_the_installed_docgen_renders_every_example_as_the_checkout_does(
        installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, python = installed
    away = tmp_path / "elsewhere"
    away.mkdir()
    code = ("import docgen, docgen.render, sys; print(docgen.__file__); print(docgen.render.TEMPLATE_DIR); "
            "from docgen.cli import main; sys.argv = ['docgen', *sys.argv[1:]]; main()")
    result = subprocess.run([str(python), "-c", code, "render", str(EXAMPLES), "-o", str(away / "out"),
                             "--format", "docx"], check=False, capture_output=True, text=True, cwd=away,
                            stdin=subprocess.DEVNULL, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stdout + result.stderr
    module, templates = result.stdout.splitlines()[:2]
    venv = python.parent.parent
    assert Path(module).is_relative_to(venv), module  # docgen itself came from the wheel, not from this checkout
    assert Path(templates).is_relative_to(venv), templates
    run("render", str(EXAMPLES), "-o", str(tmp_path / "here"), "--format", "docx")
    theirs = {p.relative_to(away / "out"): p.read_bytes() for p in (away / "out").rglob("*.docx")}
    ours = {p.relative_to(tmp_path / "here"): p.read_bytes() for p in (tmp_path / "here").rglob("*.docx")}
    assert len(ours) >= len(list(EXAMPLES.rglob("*.xlsx")))
    assert theirs == ours  # the same documents, byte for byte
