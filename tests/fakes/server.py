"""What every fake service in tests/fakes shares: an HTTP server on 127.0.0.1 on its own
thread, the requests it received, and answers scripted for the next requests.

    class FakeThing(ScriptedServer):
        def __post_init__(self):
            self._serve(_handler_for(self))   # the handler calls back into the fake
"""
from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

HANG_LIMIT = 10.0  # seconds a hanging answer waits at most, should a test forget to stop


class ScriptedServer:
    requests: list  # what was received, in order (a field of each fake)

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._answers: deque[Any] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # lets a hanging answer go
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def script(self, *answers: Any) -> None:
        with self._lock:
            self._answers.extend(answers)

    def _received(self, recorded: Any) -> tuple[Any, int]:
        """Record a request; the answer scripted for it (None: none) and its number, from 1."""
        with self._lock:
            self.requests.append(recorded)
            return (self._answers.popleft() if self._answers else None), len(self.requests)

    def _hang(self) -> None:
        """Answer nothing until the server stops (past the client's timeout)."""
        self._stopping.wait(HANG_LIMIT)
