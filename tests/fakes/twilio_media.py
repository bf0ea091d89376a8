"""Twilio's media URLs on 127.0.0.1, for tests that fetch MMS media, and images to serve.

    media = MediaServer(account_sid, auth_token)
    url = media.add(jpeg(taken=datetime(...)))     # /2010-04-01/Accounts/AC.../Messages/MM.../Media/ME...
    media.redirects[path] = "/cdn/..."             # a 307 to a "CDN" path on the same server
    media.requests                                 # (path, Authorization) of every request
    asked, release = media.hold(url)               # its fetch waits: `asked` is set when it comes,
                                                   # and it is answered once `release` is set
    media.drip(url, every=0.2)                     # its whole answer, headers too, a byte at a time
"""
from __future__ import annotations

import base64
import io
import itertools
import struct
import threading
import zlib
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image as PillowImage

_numbers = itertools.count(1)


def media_path(account_sid: str) -> str:
    n = next(_numbers)
    return f"/2010-04-01/Accounts/{account_sid}/Messages/MM{n:032d}/Media/ME{n:032d}"


def jpeg(taken: datetime | None = None, size=(8, 8), color="red") -> bytes:
    image, out = PillowImage.new("RGB", size, color), io.BytesIO()
    exif = PillowImage.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (4, 4), "blue").save(out, "PNG")
    return out.getvalue()


def png_of_chunks(width: int, height: int, pixels: bytes) -> bytes:
    """A PNG, chunk by chunk (valid CRCs), of any declared size and any IDAT data:
    png_of_chunks(60000, 60000, ...) is a decompression bomb; bytes that aren't zlib don't decode."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class MediaServer:
    """Twilio's media URL shape on 127.0.0.1; answers from a table of path -> (type, body)."""

    def __init__(self, account_sid: str, auth_token: str):
        self.files: dict[str, tuple[str, bytes]] = {}
        self.redirects: dict[str, str] = {}
        self.held: dict[str, tuple[threading.Event, threading.Event]] = {}
        self.drips: dict[str, float] = {}  # path -> seconds between bytes
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str | None]] = []  # path, Authorization
        self.account_sid = account_sid
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Authorization")))
                if self.path in outer.held:
                    asked, release = outer.held[self.path]
                    asked.set()
                    release.wait(10)
                if self.path in outer.redirects:
                    self.send_response(307)
                    self.send_header("Location", outer.redirects[self.path])
                    self.end_headers()
                    return
                if self.path.startswith("/2010-04-01/") and self.headers.get("Authorization") != outer.auth:
                    self.send_response(401)
                    self.end_headers()
                    return
                kind, body = outer.files.get(self.path, ("text/plain", b"not found"))
                if self.path in outer.drips:
                    return self._drip(kind, body, outer.drips[self.path])
                self.send_response(200 if self.path in outer.files else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self, kind: str, body: bytes, every: float) -> None:
                head = f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
                for i in range(len(head) + len(body)):
                    if outer.stopping.wait(every):
                        return
                    try:
                        self.wfile.write((head.encode() + body)[i:i + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up: that is what a drip tests
                        return

            def log_message(self, *args):
                pass

        self.auth = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def add(self, body: bytes, kind: str = "image/jpeg", path: str | None = None) -> str:
        path = path or media_path(self.account_sid)
        self.files[path] = (kind, body)
        return self.url + path

    def hold(self, url: str) -> tuple[threading.Event, threading.Event]:
        asked, release = self.held[url.removeprefix(self.url)] = threading.Event(), threading.Event()
        return asked, release

    def drip(self, url: str, every: float) -> None:
        self.drips[url.removeprefix(self.url)] = every

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


