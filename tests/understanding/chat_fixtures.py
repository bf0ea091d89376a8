"""Fixtures for tests that talk to the local chat-completions server (chat_server.py);
import them into the test module: `from tests.understanding.chat_fixtures import script, server`."""
from __future__ import annotations

import pytest

from tests.understanding.chat_server import ChatServer, Script


@pytest.fixture
def script() -> Script:
    """What the server answers every request; a test sets script.reply."""
    return Script()


@pytest.fixture
def server(script):
    """The chat-completions server on 127.0.0.1, answering from `script`."""
    with ChatServer(script) as running:
        yield running
