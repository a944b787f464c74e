"""Load municipality profiles: one TOML file each, shipped in this folder or in folders the user adds.

A profile is data, not code: a third municipality is a new TOML file (see tomsk.toml for every key) put in a folder
named by the DOCGEN_PROFILES environment variable (several folders: separated by the path separator).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.errors import InputError
from docgen.models import Profile

PROFILE_DIR = Path(__file__).parent
DEFAULT_PROFILE = "tomsk"
ENV_VAR = "DOCGEN_PROFILES"


def _folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    return [*extra, PROFILE_DIR]


def available() -> list[str]:
    """List the keys of every profile that can be used, shipped ones and the user's."""
    return sorted({p.stem for folder in _folders() if folder.is_dir() for p in folder.glob("*.toml")})


def profile_names() -> tuple[str, ...]:
    """List the Russian names of the usable profiles («Город Томск», «Турочакский район»), in the order of keys."""
    names = []
    for key in available():
        try:
            names.append(load_profile(key).name)
        except InputError:
            continue  # a broken user profile: named in its own error when chosen
    return tuple(names)


def profile_files() -> list[Path]:
    """List every file a profile is read from (TOML profiles and their order texts), shipped ones and the user's."""
    return sorted(p for folder in _folders() if folder.is_dir() for pattern in ("*.toml", "*.json")
                  for p in folder.glob(pattern) if p.is_file())


_GENERIC = {"город", "города", "район", "района", "округ", "округа", "муниципальный", "городской"}  # name no place


def profile_key(text: str) -> str | None:
    """Return the key of the profile a person means: «tomsk», «Томск», «город Томск», «Турочак», «Турочакский район»."""
    wanted = " ".join(text.lower().replace("ё", "е").split())
    if not wanted:
        return None
    keys = available()
    if wanted in keys:
        return wanted
    for key in keys:
        try:
            name = load_profile(key).name.lower().replace("ё", "е")
        except InputError:
            continue
        words = [w for w in name.split() if len(w) >= 4 and w not in _GENERIC]
        if wanted == name or wanted in words or (len(wanted) >= 5 and any(w.startswith(wanted) for w in words)):
            return key
    return None


def load_profile(name: str) -> Profile:
    """Load a profile by key or Russian name (user folders first, then the shipped ones), or a file by path."""
    if name.endswith(".toml"):
        return _load(Path(name))
    if name not in available():
        name = profile_key(name) or name
    for folder in _folders():
        path = folder / f"{name}.toml"
        if path.is_file():
            return _load(path)
    raise InputError(f"Профиль муниципалитета «{name}» не найден; доступны: {', '.join(available())}")


@cache
def _load_cached(path: Path, mtime: float) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        profile = Profile.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError, OSError) as exc:
        raise InputError(f"Профиль муниципалитета «{path.name}» повреждён: {exc}") from exc
    if profile.key != path.stem:
        raise InputError(f"Профиль «{path.name}»: key = «{profile.key}», а должен совпадать с именем файла")
    return profile


def _load(path: Path) -> Profile:
    if not path.is_file():
        raise InputError(f"Профиль муниципалитета «{path}» не найден")
    return _load_cached(path.resolve(), path.stat().st_mtime)


def order_defaults(key: str, year: int | None = None) -> dict[str, Any]:
    """Return the texts of an order that carry over from year to year for a profile (`<key>-order.json`), or {}.

    {"form": {field key: value}, "tables": {table key: [rows]}}: the blank order workbook starts from them.
    With `year` (the year the new order is made), the school years the texts name move with it: the file's
    "school_year" (2023 for № 477: «на 2023–2024, 2024–2025 учебные годы», «на период по 2026 год») becomes `year`.
    """
    for folder in _folders():
        path = folder / f"{key}-order.json"
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"Тексты распоряжения «{path.name}» повреждены: {exc}") from exc
            if not isinstance(data, dict):
                return {}
            base = data.get("school_year")
            return _shift_years(data, year - base) if isinstance(base, int) and year else data
    return {}


# A span of school years («2023–2024») or the last year of a period («по 2026 год»): what moves with the order's year.
# Dates of acts («от 19.08.2014 № 352») never match.
_MOVING_YEARS = re.compile(r"(?<![\d.])(20\d\d)(?=[–-]20\d\d)|(?<=\d[–-])(20\d\d)(?!\d)|(?<=по )(20\d\d)(?= год)")


def _shift_years(value: Any, by: int) -> Any:
    if by == 0:
        return value
    if isinstance(value, dict):
        return {k: v if k == "school_year" else _shift_years(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_years(item, by) for item in value]
    if isinstance(value, str):
        return _MOVING_YEARS.sub(lambda m: str(int(m[0]) + by), value)
    return value
