"""Twilio forms -> one normalised Interaction: channel, provider key, phones in E.164,
text, media. Bad forms raise BadInput with a reason the caller answers with a 400."""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import datetime
from typing import Mapping

import phonenumbers

from agents.context import Interaction, Media
from agents.voice import call_key

MAX_BODY = 1600  # Twilio's own limit for one message (error 21617)
MAX_MEDIA = 10
# Control characters other than tab and newline: PostgreSQL refuses NUL, and none of
# them carry meaning in a text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadInput(ValueError):
    """A webhook form that cannot be taken; the message says why."""


def sms_from_form(form: Mapping[str, str], now: datetime) -> Interaction:
    sid = _required(form, "MessageSid")
    body = form.get("Body", "")
    if len(body) > MAX_BODY:
        raise BadInput(f"Body is {len(body)} characters; at most {MAX_BODY} are accepted")
    media = _media(form)
    return Interaction(
        channel="mms" if media else "sms",
        provider_key=f"sms:{sid}",
        from_phone=_phone(form, "From"),
        to_phone=_phone(form, "To"),
        text=clean_text(body),
        received_at=now,
        media=media,
        raw=dict(form),
    )


def voice_from_form(form: Mapping[str, str], now: datetime, step: int) -> Interaction:
    """One step of a call: what was said (SpeechResult) or keyed (Digits), "" for silence."""
    sid = _required(form, "CallSid")
    said = form.get("SpeechResult") or form.get("Digits") or ""
    if len(said) > MAX_BODY:
        raise BadInput(f"SpeechResult is {len(said)} characters; at most {MAX_BODY} are accepted")
    return Interaction(
        channel="voice",
        provider_key=call_key(sid, step),
        from_phone=_phone(form, "From"),
        to_phone=_phone(form, "To"),
        text=clean_text(said),
        received_at=now,
        raw=dict(form),
        call_step=step,
    )


def clean_text(text: str) -> str:
    return CONTROL_CHARS.sub("", text).strip()


@lru_cache(maxsize=4096)  # every webhook parses its To and From; senders and numbers repeat
def parse_phone(value: str, region: str = "US") -> str | None:
    """E.164 for anything that can be a phone number; None otherwise."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _required(form: Mapping[str, str], name: str) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        raise BadInput(f"missing {name}")
    if len(value) > 64:
        raise BadInput(f"{name} is too long")
    return value


def _phone(form: Mapping[str, str], name: str) -> str:
    value = _required(form, name)
    phone = parse_phone(value)
    if phone is None:
        raise BadInput(f"{name} is not a phone number: {value[:32]!r}")
    return phone


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise BadInput("NumMedia is not a number") from None
    if not 0 <= count <= MAX_MEDIA:
        raise BadInput(f"NumMedia must be between 0 and {MAX_MEDIA}")
    items = []
    for i in range(count):
        url = form.get(f"MediaUrl{i}")
        if not url:
            raise BadInput(f"NumMedia is {count} but MediaUrl{i} is missing")
        items.append(Media(url=url, content_type=form.get(f"MediaContentType{i}", "")))
    return tuple(items)
