"""A CRM reached by one configured HTTP request (tenant YAML: integrations.crm.http).

The url and the JSON body are templates: "{customer.name}" is replaced by the value.
A string that is exactly one placeholder takes the value as it is (a number stays a
number, a missing name is null); inside a longer string the value is written as text.

    2xx                                  -> done; the external id read at id_field
    408, 425, 429, 5xx, timeout, refused -> TemporaryError
    any other answer                     -> PermanentError
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import requests

from config.schema import PLACEHOLDER, HttpCrm as HttpCrmConfig
from integrations.crm import ContactChange, Crm, CrmResult
from integrations.errors import IntegrationError, PermanentError, TemporaryError

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429})


class HttpCrm(Crm):
    name = "http"

    def __init__(self, config: HttpCrmConfig):
        self.config = config

    def upsert_contact(self, change: ContactChange, *, idempotency_key: str) -> CrmResult:
        fields = change.fields()
        url = fill_text(self.config.url, fields, quote_value=True)
        headers = {**self.config.headers, self.config.idempotency_header: idempotency_key}
        try:
            response = requests.request(self.config.method, url, json=fill(self.config.body, fields),
                                        headers=headers, timeout=self.config.timeout.total_seconds(),
                                        allow_redirects=False)
        except requests.RequestException as exc:
            raise TemporaryError(f"CRM unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise translate_status(response)
        return CrmResult(external_id=self.external_id(response))

    def external_id(self, response: requests.Response) -> str | None:
        if self.config.id_field is None:
            return None
        try:
            value = dig(response.json(), self.config.id_field)
        except ValueError:
            raise PermanentError(f"CRM answered HTTP {response.status_code} without JSON") from None
        if value is None or isinstance(value, (dict, list)) or value == "":
            raise PermanentError(f"CRM answer has no {self.config.id_field}")
        return str(value)


def translate_status(response: requests.Response) -> IntegrationError:
    status = response.status_code
    message = f"CRM answered HTTP {status}: {response.text[:200]}"
    if status >= 500 or status in RETRYABLE_STATUSES:
        return TemporaryError(message, code=str(status))
    return PermanentError(message, code=str(status))


def fill(template: Any, fields: dict[str, object]) -> Any:
    """The JSON template with its placeholders filled in."""
    if isinstance(template, dict):
        return {key: fill(value, fields) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, fields) for value in template]
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        return fields[whole[1]] if whole else fill_text(template, fields)
    return template


def fill_text(text: str, fields: dict[str, object], quote_value: bool = False) -> str:
    def value(match) -> str:
        found = fields[match[1]]
        written = "" if found is None else str(found)
        return quote(written, safe="") if quote_value else written
    return PLACEHOLDER.sub(value, text)


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("data.id"; a number indexes a list), or None."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
