"""The README's production commands, as written."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parent.parent


def readme_command(program: str) -> list[str]:
    """The arguments of the production section's line that runs `program`."""
    section = (ROOT / "README.md").read_text().split("## Production", 1)[1].split("\n## ", 1)[0]
    [line] = [line for line in section.splitlines() if line.strip().startswith(f".venv/bin/{program} ")]
    return shlex.split(line, comments=True)


def test_the_readme_gunicorn_command_opens_no_control_socket(monkeypatch):
    """One control socket per user would be shared by every gunicorn of that user."""
    args = readme_command("gunicorn")
    monkeypatch.chdir(ROOT)  # where the README's commands run, and gunicorn looks for its config
    monkeypatch.setattr(sys, "argv", args)

    config = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg

    assert config.control_socket_disable is True
    assert config.workers == 4 and config.address and "server:create_app()" in args


def test_the_readme_gunicorn_command_serves_the_relay_websocket(env, tmp_path):
    """Threaded workers serve the ConversationRelay WebSocket (flask-sock) beside the webhooks."""
    import json
    import os
    import socket
    import subprocess
    import time

    import requests
    import simple_websocket
    from twilio.request_validator import RequestValidator

    from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = readme_command("gunicorn")
    assert args[args.index("--threads") + 1] == "32"  # a relay call holds a thread while it lasts
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args[1:], "-w", "1", "-b", f"127.0.0.1:{port}"], cwd=ROOT,
        env={**os.environ, **env, "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN, "TWILIO_ACCOUNT_SID": "AC" + "1" * 32})
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(
            PUBLIC_BASE_URL.replace("https://", "wss://") + "/twilio/relay", {})
        ws = simple_websocket.Client.connect(f"ws://127.0.0.1:{port}/twilio/relay",
                                             headers={"X-Twilio-Signature": signature})
        ws.send(json.dumps({"type": "setup", "callSid": "CA" + "7" * 32, "from": "+16175550150",
                            "to": HARBOR_NUMBER, "accountSid": "AC" + "1" * 32}))
        ws.send(json.dumps({"type": "prompt", "voicePrompt": "what are your hours", "last": True}))
        token = json.loads(ws.receive(30))
        ws.close()
        assert token["type"] == "text" and "Monday" in token["token"]
    finally:
        server.terminate()
        server.wait(30)
