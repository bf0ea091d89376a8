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
