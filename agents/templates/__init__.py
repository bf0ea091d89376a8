"""Customer texts in the customer's language: the tenant's own wording first, then Onward's.

    say(tenant, "es", "offer", service="Haircut", when="mar 24 nov a las 3:00 PM", ...)
        the tenant's `templates: {es: {offer: ...}}` if it has one, else es.py's, else en.py's

Each language is one module (en.py, es.py) of named str.format templates with the same
fields; `problems` checks a tenant's overrides against them (config check reports it).
"""
from __future__ import annotations

from string import Formatter
from typing import TYPE_CHECKING, Mapping

from agents.templates import en, es

if TYPE_CHECKING:
    from config.schema import Tenant

CATALOGS: dict[str, dict[str, str]] = {"en": en.TEMPLATES, "es": es.TEMPLATES}
LANGUAGES = tuple(CATALOGS)


def template(tenant: Tenant | None, lang: str, name: str) -> str:
    own = tenant.templates.get(lang, {}) if tenant is not None else {}
    return own.get(name) or CATALOGS.get(lang, {}).get(name) or CATALOGS["en"][name]


def say(tenant: Tenant | None, lang: str, name: str, **fields: object) -> str:
    """The named text, filled in; runs of spaces an empty field leaves are closed up."""
    return " ".join(template(tenant, lang, name).format(**fields).split())


def fields_of(text: str) -> set[str]:
    """The fields a template uses: "{service}, {when}" -> {"service", "when"} (ValueError when malformed)."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def problems(overrides: Mapping[str, Mapping[str, str]]) -> list[str]:
    """What is wrong with a tenant's `templates:`, one reason a problem."""
    found = []
    for lang, named in overrides.items():
        if lang not in CATALOGS:
            found.append(f"{lang}: not a language Onward writes ({', '.join(LANGUAGES)})")
            continue
        for name, text in named.items():
            found.extend(f"{lang}.{name}: {reason}" for reason in _template_problems(name, text))
    return found


def _template_problems(name: str, text: str) -> list[str]:
    if name not in CATALOGS["en"]:
        return ["not a template Onward has"]
    try:
        used = fields_of(text)
    except ValueError as exc:
        return [f"not a valid template ({exc}); write a literal brace as {{{{ or }}}}"]
    known = fields_of(CATALOGS["en"][name])
    unknown = sorted(used - known)
    if unknown:
        has = ", ".join(f"{{{f}}}" for f in sorted(known)) or "no fields"
        return [f"{{{field}}} is not a field of this template (it has {has})" for field in unknown]
    return []
