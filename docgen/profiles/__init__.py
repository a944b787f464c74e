"""Load municipality profiles: one TOML file each, shipped in this folder or given by path.

A profile is data, not code: a third municipality is a new TOML file (see tomsk.toml for every key).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from docgen.errors import InputError
from docgen.models import Profile

PROFILE_DIR = Path(__file__).parent
DEFAULT_PROFILE = "tomsk"


def available() -> list[str]:
    """List the keys of the shipped profiles."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


@cache
def load_profile(name: str) -> Profile:
    """Load a shipped profile by key, or a profile file by path."""
    path = Path(name) if name.endswith(".toml") else PROFILE_DIR / f"{name}.toml"
    if not path.is_file():
        raise InputError(
            f"Профиль муниципалитета «{name}» не найден; доступны: {', '.join(available())}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise InputError(f"Профиль муниципалитета «{path.name}» повреждён: {exc}") from exc
