"""Twilio signature checks, always against PUBLIC_BASE_URL (never the Host header:
proxies and TLS terminators change scheme, host and port)."""
from __future__ import annotations

import functools
import logging

from flask import Response, request
from twilio.request_validator import RequestValidator

from runtime import current_runtime

log = logging.getLogger(__name__)


def signed_url() -> str:
    query = request.query_string.decode()
    return current_runtime().settings.public_base_url + request.path + (f"?{query}" if query else "")


def twilio_signed(view):
    """Refuse (403) any request whose X-Twilio-Signature doesn't match, before anything runs."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(current_runtime().settings.signing_token)
        if not signature or not validator.validate(signed_url(), request.form, signature):
            log.warning("refused %s: bad or missing X-Twilio-Signature", request.path)
            return Response("invalid or missing X-Twilio-Signature\n", status=403, mimetype="text/plain")
        return view(*args, **kwargs)

    return checked
