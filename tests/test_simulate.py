"""`flask --app server simulate` against a stand-in Twilio webhook on a real socket."""
from __future__ import annotations

import logging
import re
import socket
import threading
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from config.settings import load_settings
from conversation.simulate import replies_in, simulate_command
from devstack import ensure_demo_token
from server import create_app
from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL

TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>{}</Message></Response>'


class StubWebhook:
    """Answers POST /twilio/sms like Onward would: 403 unless signed with `token`."""

    def __init__(self, token: str):
        self.validator = RequestValidator(token)
        self.forms: list[dict[str, str]] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        form = request.form.to_dict()
        signature = request.headers.get("X-Twilio-Signature", "")
        if request.path != "/twilio/sms" or not self.validator.validate(
                PUBLIC_BASE_URL + "/twilio/sms", form, signature):
            return Response("bad signature", status=403)(environ, start_response)
        self.forms.append(form)
        return Response(TWIML.format(self.reply_to(form)), mimetype="text/xml")(environ, start_response)

    def reply_to(self, form: dict[str, str]) -> str:
        if form.get("MediaUrl0"):
            media = requests.get(form["MediaUrl0"], timeout=5)
            return f"got {len(media.content)} bytes of {media.headers['Content-Type']}"
        return "hi"


@pytest.fixture
def serve():
    servers = []

    def start(wsgi_app) -> str:
        server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def stub(runtime):
    return StubWebhook(runtime.settings.signing_token)


def simulate(runner, url: str, *args: str):
    return runner.invoke(simulate_command, ["--url", url, "--from", "(617) 555-0199",
                                            "--to", HARBOR_NUMBER, *args])


def test_prints_the_reply_of_a_signed_webhook(runner, serve, stub):
    result = simulate(runner, serve(stub), "what are your hours?")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "hi"
    [form] = stub.forms
    assert form["From"] == "+16175550199" and form["To"] == HARBOR_NUMBER
    assert form["Body"] == "what are your hours?" and form["NumMedia"] == "0"
    assert re.fullmatch(r"SM[0-9a-f]{32}", form["MessageSid"])


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_refuses_an_invalid_phone(runner, serve, stub, option):
    args = ["--url", serve(stub), "--from", "+16175550199", "--to", HARBOR_NUMBER, "hi"]
    args[args.index(option) + 1] = "555-12"
    result = runner.invoke(simulate_command, args)
    assert result.exit_code == 2
    assert "'555-12' is not a valid phone number" in result.output
    assert stub.forms == []


def test_explains_a_server_that_is_not_running(runner):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = simulate(runner, f"http://127.0.0.1:{port}", "hi")
    assert result.exit_code == 1
    assert "is the server running? start it with" in result.output


def test_shows_status_and_body_of_a_refusal(runner, serve):
    result = simulate(runner, serve(StubWebhook("another-token")), "hi")
    assert result.exit_code == 1
    assert "answered 403: bad signature" in result.output


def test_serves_media_at_a_twilio_like_path(runner, serve, stub, tmp_path):
    photo = tmp_path / "towels.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"0" * 1000)
    result = simulate(runner, serve(stub), "--media", str(photo), "--media-port", "0", "done")
    assert result.exit_code == 0, result.output
    assert "got 1003 bytes of image/jpeg" in result.output
    [form] = stub.forms
    assert form["NumMedia"] == "1" and form["MediaContentType0"] == "image/jpeg"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/2010-04-01/Accounts/AC\w{32}/Messages/"
                        r"MM[0-9a-f]{32}/Media/ME[0-9a-f]{32}", form["MediaUrl0"])


@pytest.mark.parametrize("twiml, replies", [
    (TWIML.format("hi"), ["hi"]),
    ("<Response><Message>one</Message><Message>two</Message></Response>", ["one", "two"]),
    ("<Response><Message><Body>see</Body><Media>https://x/1.jpg</Media></Message></Response>",
     ["see\n[media] https://x/1.jpg"]),
    ("<Response/>", ["(no reply)"]),
])
def test_reads_the_messages_of_twiml(twiml, replies):
    assert replies_in(twiml) == replies


def test_a_second_terminal_reads_the_token_the_dev_stack_generated(env, serve, caplog):
    """`python server.py` without HARBOR_API_TOKEN keeps a generated one under var/; simulate,
    run beside it without the variable, loads the demo tenant with it and logs no refusal."""
    var_dir = Path(env["ONWARD_VAR_DIR"])
    var_dir.mkdir(parents=True)
    ensure_demo_token({}, var_dir)
    with caplog.at_level(logging.ERROR):
        app = create_app(load_settings({**env, "HARBOR_API_TOKEN": ""}))
    stub = StubWebhook(app.extensions["onward"].settings.signing_token)

    result = simulate(app.test_cli_runner(), serve(stub), "hi")

    assert result.exit_code == 0, result.output
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "harbor-barbers" in [t.tenant for t in app.extensions["onward"].tenants]
    app.extensions["onward"].db.dispose()
