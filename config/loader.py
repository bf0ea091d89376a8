"""Reading tenant files: YAML -> env: secrets -> E.164 phones -> schema -> cross-checks.

Every problem is reported as a ConfigProblem naming the file, the field and the
reason; a file with any problem is refused whole, the other files still load.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import phonenumbers
import yaml
from pydantic import ValidationError

from config.checks import cross_check
from config.schema import Tenant


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}" if self.field else f"{self.file}: {self.reason}"


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class LoadResult:
    tenants: tuple[Tenant, ...]
    problems: tuple[ConfigProblem, ...]


def load_directory(path: Path, environ: Mapping[str, str]) -> LoadResult:
    """Load every *.yaml of a directory (or one file); refuse files with problems."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    tenants: list[Tenant] = []
    problems: list[ConfigProblem] = []
    if not path.exists():
        return LoadResult((), (ConfigProblem(str(path), "", "no such file or directory"),))
    for file in files:
        try:
            tenant = load_file(file, environ)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        clash = _clash_with(tenant, tenants, file.name)
        if clash:
            problems.extend(clash)
        else:
            tenants.append(tenant)
    return LoadResult(tuple(tenants), tuple(problems))


def load_file(file: Path, environ: Mapping[str, str]) -> Tenant:
    name = file.name
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigProblem(name, "", f"cannot be read: {exc}")]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(name, "", f"is not valid YAML: {exc}")]) from exc
    if not isinstance(raw, dict):
        raise ConfigError([ConfigProblem(name, "", "must be a mapping of tenant fields")])
    problems: list[ConfigProblem] = []
    data = _resolve_env(raw, environ, name, "", problems)
    _normalise_phones(data, name, problems)
    if problems:
        raise ConfigError(problems)
    try:
        tenant = Tenant.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_problem_from(name, err) for err in exc.errors()]) from exc
    problems = [ConfigProblem(name, where, why) for where, why in cross_check(tenant)]
    if problems:
        raise ConfigError(problems)
    return tenant


def _resolve_env(value: Any, environ: Mapping[str, str], file: str, where: str,
                 problems: list[ConfigProblem]) -> Any:
    """Replace every "env:NAME" string with that environment variable."""
    if isinstance(value, dict):
        return {k: _resolve_env(v, environ, file, _join(where, k), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, environ, file, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, str) and value.startswith("env:"):
        variable = value[4:]
        if not environ.get(variable):
            problems.append(ConfigProblem(file, where, f"environment variable {variable} is not set"))
            return value
        return environ[variable]
    return value


def _normalise_phones(data: dict, file: str, problems: list[ConfigProblem]) -> None:
    country = str(data.get("country") or "US")
    numbers = data.get("numbers")
    if isinstance(numbers, list):
        data["numbers"] = [_e164(n, country, file, f"numbers[{i}]", problems) for i, n in enumerate(numbers)]
    for i, person in enumerate(data.get("people") or []):
        if isinstance(person, dict) and "phone" in person:
            person["phone"] = _e164(person["phone"], country, file, f"people[{i}].phone", problems)


def _e164(value: Any, country: str, file: str, where: str, problems: list[ConfigProblem]) -> Any:
    phone = normalise_phone(str(value), country)
    if phone is None:
        problems.append(ConfigProblem(file, where, f"{value!r} is not a valid phone number for {country}"))
        return value
    return phone


def normalise_phone(value: str, country: str = "US") -> str | None:
    """E.164 form of a phone number, or None when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _clash_with(tenant: Tenant, loaded: Iterable[Tenant], file: str) -> list[ConfigProblem]:
    problems = []
    for other in loaded:
        if other.tenant == tenant.tenant:
            problems.append(ConfigProblem(file, "tenant", f"{tenant.tenant!r} is already defined by another file"))
        for number in set(tenant.numbers) & set(other.numbers):
            problems.append(ConfigProblem(file, "numbers", f"{number} is already owned by tenant {other.tenant!r}"))
        if other.api_token == tenant.api_token:
            problems.append(ConfigProblem(file, "api_token", f"is the same as tenant {other.tenant!r}'s"))
    return problems


def _problem_from(file: str, error: dict) -> ConfigProblem:
    # pydantic adds the union member or validator name to the location; keep the field path.
    parts = [p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))]
    where = ""
    for part in parts:
        where = f"{where}[{part}]" if isinstance(part, int) else _join(where, str(part))
    reason = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        reason = "is not a known field"
    return ConfigProblem(file, where, reason)


def _join(where: str, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)
