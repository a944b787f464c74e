"""Ship templates/docx inside the wheel as docgen/templates, so an installed docgen renders without the checkout.

templates/docx stays the one place a clerk edits (and scripts/make_*template*.py writes); the build copies it.
Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates" / "docx"


class BuildWithTemplates(build_py):  # type: ignore[misc]
    """Build the package, then copy the .docx templates into it."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "docgen" / "templates"
        shutil.rmtree(target, ignore_errors=True)  # a template deleted since the last build must not linger
        self.mkpath(str(target))
        for source in sorted(TEMPLATES.glob("*.docx")):
            if not source.name.startswith("~$"):  # Word's lock file of a template open for editing
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildWithTemplates})
