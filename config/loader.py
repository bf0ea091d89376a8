"""Reading tenant files: YAML -> env: secrets -> E.164 phones -> schema -> cross-checks.

Every problem is reported as a ConfigProblem naming the file, the field and the
reason; a file with any problem is refused whole, the other files still load.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Iterator, Mapping

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
    if not path.exists():
        return LoadResult((), (ConfigProblem(str(path), "", "no such file or directory"),))
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        return LoadResult((), (ConfigProblem(str(path), "", "holds no *.yaml tenant files"),))
    loaded: dict[str, Tenant] = {}  # file name -> tenant
    problems: list[ConfigProblem] = []
    for file in files:
        try:
            loaded[file.name] = load_file(file, environ)
        except ConfigError as exc:
            problems.extend(exc.problems)
    clashes = list(_clashes(loaded))
    refused = {clash.file for clash in clashes}
    tenants = tuple(tenant for file, tenant in loaded.items() if file not in refused)
    return LoadResult(tenants, tuple(problems + clashes))


def file_of(directory: Path, tenant_id: str) -> Path | None:
    """The *.yaml file of a directory whose `tenant:` is this id (read, not validated)."""
    for file in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            if _read_yaml(file).get("tenant") == tenant_id:
                return file
        except ConfigError:
            continue
    return None


def load_file(file: Path, environ: Mapping[str, str]) -> Tenant:
    """The file's tenant, or a ConfigError with every problem found in it, all in one go:
    secrets and phones, then the schema, then the cross-checks (when the schema passed).
    A field with a problem from an earlier stage gets no second one from a later stage."""
    name = file.name
    raw = _read_yaml(file)
    problems: list[ConfigProblem] = []
    data = _resolve_env(raw, environ, name, "", problems)
    _normalise_phones(data, name, problems)
    try:
        tenant = Tenant.model_validate(data)
    except ValidationError as exc:
        later = [_problem_from(name, err, data) for err in exc.errors()]
    else:
        later = [ConfigProblem(name, where, why) for where, why in cross_check(tenant)]
    reported = {problem.field for problem in problems}
    problems += [problem for problem in later if problem.field not in reported]
    if problems:
        raise ConfigError(problems)
    return tenant


def _read_yaml(file: Path) -> dict:
    """The file's top-level mapping, or a ConfigError saying why there is none."""
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigProblem(file.name, "", f"cannot be read: {exc}")]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(file.name, "", _yaml_reason(exc))]) from exc
    if raw is None:
        raise ConfigError([ConfigProblem(file.name, "", "is empty")])
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"a {type(raw).__name__}"
        raise ConfigError([ConfigProblem(file.name, "", f"must be a mapping of tenant fields, not {kind}")])
    return raw


def _yaml_reason(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"is not valid YAML: {problem}"
    return f"is not valid YAML: line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _resolve_env(value: Any, environ: Mapping[str, str], file: str, where: str,
                 problems: list[ConfigProblem]) -> Any:
    """Replace every "env:NAME" string with that environment variable."""
    if isinstance(value, dict):
        return {k: _resolve_env(v, environ, file, _join(where, k), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, environ, file, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, str) and value.startswith("env:"):
        variable = value.removeprefix("env:")
        if environ.get(variable):
            return environ[variable]
        problems.append(ConfigProblem(file, where, f"environment variable {variable} is not set" if variable
                                      else "env: needs a variable name, like env:API_TOKEN"))
    return value


def _normalise_phones(data: dict, file: str, problems: list[ConfigProblem]) -> None:
    country = data.get("country") or "US"
    if country not in phonenumbers.SUPPORTED_REGIONS:
        problems.append(ConfigProblem(file, "country", f"{country!r} is not a country code such as US"))
        return
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
    """E.164 form of a phone number, or None when it is not one.

    Any number phonenumbers parses to a whole number of the right length is taken, as
    the webhooks take it: unassigned ranges such as 555-123-4567 are test numbers too.
    A local-only number (no area code) or a wrong length is not."""
    try:
        parsed = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _clashes(loaded: Mapping[str, Tenant]) -> Iterator[ConfigProblem]:
    """Both files of every pair that share a tenant id, a number or an API token.

    Both are refused: which one should have it is for the operator to say, not the
    alphabetical order of the file names."""
    for (file, tenant), (other_file, other) in combinations(loaded.items(), 2):
        for field, other_field, what in _shared(tenant, other):
            yield ConfigProblem(file, field, f"{what} is also claimed by {other_file}: both files are refused")
            yield ConfigProblem(other_file, other_field, f"{what} is also claimed by {file}: both files are refused")


def _shared(tenant: Tenant, other: Tenant) -> Iterator[tuple[str, str, str]]:
    """(field in tenant, field in other, what) for each thing two tenants must not share."""
    if tenant.tenant == other.tenant:
        yield "tenant", "tenant", f"tenant id {tenant.tenant!r}"
    for i, number in enumerate(tenant.numbers):
        if number in other.numbers:
            yield f"numbers[{i}]", f"numbers[{other.numbers.index(number)}]", number
    if tenant.api_token == other.api_token:
        yield "api_token", "api_token", "the API token"


# Pydantic's messages, reworded where they would puzzle someone editing a YAML file.
REASONS = {
    "extra_forbidden": "is not a known field",
    "missing": "is required",
    "literal_error": "should be {expected}, not {input!r}",
    "tuple_type": "should be a list",
    "list_type": "should be a list",
    "dict_type": "should be a mapping",
    "model_type": "should be a mapping",
    "too_short": "needs at least {min_length} item(s)",
}


def _problem_from(file: str, error: dict, data: Any) -> ConfigProblem:
    template = REASONS.get(error["type"])
    if template is None:
        reason = error["msg"].removeprefix("Value error, ").removeprefix("Input ")
    else:
        reason = template.format(input=error.get("input"), **error.get("ctx", {}))
    return ConfigProblem(file, _field_path(error, data), reason)


def _field_path(error: dict, data: Any) -> str:
    """The error's location as it reads in the file: tasks[0].proof, hours.sat.

    Pydantic also puts union branches, tags and "[key]" in the location; those are
    the parts that name nothing in the data, so they are left out.
    """
    where, node = "", data
    for i, part in enumerate(error["loc"]):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            where, node = f"{where}[{part}]", node[part]
        elif isinstance(node, dict) and part in node:
            where, node = _join(where, part), node[part]
        elif error["type"] == "missing" and i == len(error["loc"]) - 1:
            where = _join(where, part)
    return where


def _join(where: str, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)
