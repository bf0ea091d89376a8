"""`flask --app server simulate`: text a running Onward as Twilio would, print the reply.

The form is signed with the server's signing token (TWILIO_AUTH_TOKEN, or the dev
token under var/) against PUBLIC_BASE_URL, exactly as Twilio signs it.
"""
from __future__ import annotations

import mimetypes
import secrets
import threading
from contextlib import contextmanager, nullcontext
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

import click
import requests
from flask.cli import with_appcontext
from twilio.request_validator import RequestValidator

from config.loader import normalise_phone
from config.settings import Settings
from runtime import current_runtime

SMS_PATH = "/twilio/sms"
TIMEOUT_SECONDS = 15  # Twilio's own limit for a webhook's whole answer
MEDIA_WAIT_SECONDS = 2  # a server that fetches media does so while it answers, or just after
PLACEHOLDER_ACCOUNT_SID = "AC" + "0" * 32
START_HINT = ".venv/bin/python server.py"


def phone_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    phone = normalise_phone(value, "US")
    if phone is None:
        raise click.BadParameter(f"{value!r} is not a valid phone number")
    return phone


@click.command("simulate")
@click.option("--from", "from_", required=True, callback=phone_option, help="Sender's phone, any form.")
@click.option("--to", required=True, callback=phone_option, help="The business number (a tenant's).")
@click.option("--media", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file to send as an MMS attachment (see below).")
@click.option("--media-port", default=5099, show_default=True,
              help="Port of the local media server (0: any free port).")
@click.option("--url", "base_url", help="Where the server listens [default: PUBLIC_BASE_URL].")
@click.argument("text", default="")
@with_appcontext
def simulate_command(from_: str, to: str, media: Path | None, media_port: int,
                     base_url: str | None, text: str) -> None:
    """Send TEXT to a running server as a signed Twilio SMS webhook; print the reply.

    \b
    Example:
      flask --app server simulate --from "617 555 0199" --to "+1 617 555 0100" HELP

    With --media FILE the file is served once from http://127.0.0.1:MEDIA_PORT under a
    Twilio-like media path. The server fetches media only from Twilio or
    TWILIO_API_BASE_URL, so start it with TWILIO_API_BASE_URL=http://127.0.0.1:5099
    for the attachment to arrive; otherwise the message is still sent and the
    server answers as it would to media it may not fetch.
    """
    settings = current_runtime().settings
    account_sid = settings.twilio_account_sid or PLACEHOLDER_ACCOUNT_SID
    message_sid = ("MM" if media else "SM") + secrets.token_hex(16)
    params = twilio_form(account_sid, message_sid, from_, to, text)
    target = (base_url or settings.public_base_url).rstrip("/") + SMS_PATH
    serving = serve_media_once(media, media_port) if media else nullcontext()
    with serving as media_server:
        if media_server:
            params.update(media_server.form_fields(account_sid, message_sid))
            click.echo(f"serving {media.name} at {media_server.url}", err=True)
        reply = post_signed(settings, target, params)
        if media_server:
            report_media_fetch(media_server)
    for message in replies_in(reply):
        click.echo(message)


def twilio_form(account_sid: str, message_sid: str, from_: str, to: str, body: str) -> dict[str, str]:
    return {"MessageSid": message_sid, "SmsMessageSid": message_sid, "SmsSid": message_sid,
            "AccountSid": account_sid, "From": from_, "To": to, "Body": body,
            "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}


def post_signed(settings: Settings, target: str, params: dict[str, str]) -> str:
    signed_url = settings.public_base_url + SMS_PATH
    signature = RequestValidator(settings.signing_token).compute_signature(signed_url, params)
    try:
        response = requests.post(target, data=params, headers={"X-Twilio-Signature": signature},
                                 timeout=TIMEOUT_SECONDS)
    except requests.ConnectionError as exc:
        raise click.ClickException(
            f"cannot reach {target}: is the server running? start it with `{START_HINT}`"
            " (or give its address with --url)") from exc
    except requests.Timeout as exc:
        raise click.ClickException(f"{target} did not answer within {TIMEOUT_SECONDS} s") from exc
    if response.status_code != 200:
        raise click.ClickException(f"{target} answered {response.status_code}: {response.text[:500]}")
    return response.text


def replies_in(twiml: str) -> list[str]:
    """The text of every <Message> of a TwiML answer ("(no reply)" when there is none)."""
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError as exc:
        raise click.ClickException(f"the answer is not TwiML: {twiml[:500]}") from exc
    texts = [message_text(m) for m in root.iter("Message")]
    return texts or ["(no reply)"]


def message_text(message: ElementTree.Element) -> str:
    body = message.find("Body")
    text = "".join((body if body is not None else message).itertext()).strip()
    media = [m.text.strip() for m in message.iter("Media") if m.text]
    return "\n".join([text, *(f"[media] {url}" for url in media)]).strip()


def report_media_fetch(server: "MediaServer") -> None:
    if not server.fetched.wait(MEDIA_WAIT_SECONDS):
        click.echo(f"note: the server did not fetch the media (it fetches only what it needs, and "
                   f"only from Twilio or TWILIO_API_BASE_URL={server.base_url})", err=True)


class MediaServer:
    """Serves one file at a Twilio-like media path until it has been fetched once."""

    def __init__(self, file: Path, port: int):
        self.file = file
        self.content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self.fetched = threading.Event()
        self.path = ""
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(MediaHandler, self))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def form_fields(self, account_sid: str, message_sid: str) -> dict[str, str]:
        media_sid = "ME" + secrets.token_hex(16)
        self.path = f"/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/{media_sid}"
        return {"NumMedia": "1", "MediaUrl0": self.url, "MediaContentType0": self.content_type}


class MediaHandler(BaseHTTPRequestHandler):
    def __init__(self, server_state: MediaServer, *args):
        self.state = server_state
        super().__init__(*args)

    def do_GET(self) -> None:
        if self.path.split("?")[0] != self.state.path:
            self.send_error(404)
            return
        body = self.state.file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.state.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.state.fetched.set()

    def log_message(self, format: str, *args) -> None:
        pass  # the command prints what matters itself


@contextmanager
def serve_media_once(file: Path, port: int) -> Iterator[MediaServer]:
    try:
        server = MediaServer(file, port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve media on 127.0.0.1:{port}: {exc} (try --media-port 0)")
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
