"""A small local server that speaks the chat-completions API, for the real openai client.

    with ChatServer(answer) as server:          # answer(request) -> Reply
        OpenAIModel("key", "gpt-test", base_url=server.url)

It listens on 127.0.0.1 only, records every request, and answers what `answer` says:
a JSON object, raw text (not JSON), a refusal, an HTTP error, or nothing until released
(a slow model: the client's deadline must end the call).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

HOLD_AT_MOST = 10.0  # seconds a "slow" answer waits for the test to release it
POLL = 0.02  # seconds between the server's checks for shutdown


@dataclass(frozen=True)
class Reply:
    kind: str = "json"  # json | raw | refusal | status | slow | cut
    content: Any = None  # the object for json, the text for raw
    status: int = 200
    tokens: tuple[int, int] | None = None  # prompt and completion tokens; estimated when None


@dataclass
class ChatServer:
    answer: Callable[[dict[str, Any]], Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.release = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads, self.httpd.block_on_close = True, False  # keep-alive clients linger
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": POLL},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            server.requests.append(body)
            reply = server.answer(body)
            if reply.kind == "slow":
                server.release.wait(HOLD_AT_MOST)
                return self._send(200, completion(body, Reply(content={})))
            if reply.kind == "status":
                return self._send(reply.status, {"error": {"message": "failed", "type": "server_error"}})
            self._send(200, completion(body, reply))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is what a slow answer tests

        def log_message(self, *args) -> None:
            pass

    return Handler


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    text = json.dumps(reply.content) if reply.kind in ("json", "cut") else reply.content
    message = {"role": "assistant", "content": None if reply.kind == "refusal" else text,
               "refusal": "I can't help with that." if reply.kind == "refusal" else None}
    prompt, answer = reply.tokens or (_estimate(json.dumps(request.get("messages", []))), _estimate(text or ""))
    return {"id": "chatcmpl-local", "object": "chat.completion", "created": 0,
            "model": request.get("model", "local"),
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "length" if reply.kind == "cut" else "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": answer, "total_tokens": prompt + answer}}


def _estimate(text: str) -> int:
    return max(1, len(text) // 4)  # about four characters a token


def sent_text(request: dict[str, Any]) -> dict[str, Any]:
    """The user message the engine sent: {"recent": [...], "text": ...}."""
    return json.loads(next(m["content"] for m in request["messages"] if m["role"] == "user"))


def system_prompt(request: dict[str, Any]) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "system")


EMPTY = {"intent": "unclear", "service": None, "faq": None, "day": None, "time": None, "period": None,
         "at": None, "task": None, "number": None, "person": None, "code": None, "pick": None,
         "confidence": 0.9}


def proposal(**fields) -> dict[str, Any]:
    """A model's answer: every field of the schema, null unless given."""
    return {**EMPTY, **fields}


class Script:
    """What the local server answers next: one Reply for every request."""

    def __init__(self, reply: Reply = Reply(content=proposal(intent="faq"))):
        self.reply = reply

    def __call__(self, request: dict[str, Any]) -> Reply:
        return self.reply
