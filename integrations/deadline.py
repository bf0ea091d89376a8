"""A wall-clock deadline on HTTP exchanges made with requests: connect, headers, every read.

requests' timeouts count per socket operation, so a host that sends one byte a second never
trips them and can hold a caller for as long as it likes. Every socket a Deadline's session
opens is shut down when the deadline passes; whatever read is waiting on it ends at once
(requests raises, or the body comes up short), and the caller checks `passed`.

    with Deadline(8.0) as deadline:
        response = deadline.session.get(url, timeout=(3.05, 5), stream=True)
        ...
        if deadline.passed: raise ...
"""
from __future__ import annotations

import socket
import threading
import time
from typing import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Watch = Callable[[socket.socket], None]


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self.session = requests.Session()
        adapter = _WatchingAdapter(self._watch)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        self.session.close()

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def _watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self._expired
        if expired:  # connected after the deadline: no read may start
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # not close(): another thread may be reading it
    except OSError:
        pass  # closed already


class _WatchingAdapter(HTTPAdapter):
    """An adapter whose connections hand their sockets to `watch` once connected."""

    def __init__(self, watch: Watch):
        self._watch = watch  # set first: HTTPAdapter.__init__ builds the pool manager
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _watching(HTTPConnectionPool, self._watch),
            "https": _watching(HTTPSConnectionPool, self._watch)}


def _watching(pool_class: type[HTTPConnectionPool], watch: Watch) -> type[HTTPConnectionPool]:
    """pool_class, with connections that pass their socket to `watch` as soon as they connect."""
    class Connection(pool_class.ConnectionCls):
        def connect(self) -> None:
            super().connect()
            watch(self.sock)

    return type(pool_class.__name__, (pool_class,), {"ConnectionCls": Connection})
