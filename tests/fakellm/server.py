"""A local OpenAI-compatible chat-completions server for tests and benchmarks.

Answers are scripted per test: a function from the request body to (status, headers, body),
or the default that echoes a valid structured answer. Bodies follow OpenAI's
`chat.completion` object and error envelope, which litellm's OpenAI path parses.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, str], dict[str, Any]]
Script = Callable[[dict[str, Any]], Reply]


def completion(
    content: str,
    *,
    prompt_tokens: int = 1200,
    completion_tokens: int = 300,
    model: str = "test-model",
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1770163200,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": None,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_44709d6fcb",
    }


def error(
    status: int,
    message: str,
    kind: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    return (
        status,
        headers or {},
        {"error": {"message": message, "type": kind, "param": None, "code": code}},
    )


def ok(content: str, **usage: int) -> Reply:
    return 200, {}, completion(content, **usage)


_IDS = re.compile(r"id: ((?:pr|commit|issue|release):\S+)")
_CITED = re.compile(r"\[([^\]]+)\]")


def diligent(body: dict[str, Any], *, count_tokens: bool = False) -> Reply:
    """A well-behaved model: one point per item it was shown, citing its id.

    With `count_tokens`, usage reports the prompt's real token count (litellm's tokenizer),
    as a provider would, for benchmarks.
    """
    text = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if "highlights" in body["messages"][0]["content"]:  # the overall summary's schema
        refs = [r.strip() for group in _CITED.findall(text) for r in group.split(",")]
        answer: dict[str, Any] = {
            "overview": "A busy day in kernels.",
            "highlights": [{"text": "Biggest change of the day", "refs": refs[:1]}],
            "risks": [],
            "conclusion": "Watch the FP8 work.",
        }
    else:
        points = [{"text": f"Work on {ref}", "refs": [ref]} for ref in _IDS.findall(text)]
        answer = {
            "overview": "Kernel work landed.",
            "themes": [{"title": "Kernels", "points": points}],
        }
    content = json.dumps(answer, ensure_ascii=False)
    if not count_tokens:
        return ok(content)
    from litellm import token_counter

    prompt = token_counter(model="gpt-4o", messages=body["messages"])
    return ok(
        content, prompt_tokens=prompt, completion_tokens=token_counter(model="gpt-4o", text=content)
    )


class FakeLLM:
    def __init__(self, script: Script | None = None, *, latency: float = 0.0):
        self.script = script or (lambda body: ok('{"overview": "", "sections": []}'))
        self.latency = latency
        self.requests: list[dict[str, Any]] = []
        self.authorizations: list[str] = []  # the Authorization header of each request
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def handle(self, body: dict[str, Any], authorization: str = "") -> Reply:
        with self._lock:
            self.requests.append(body)
            self.authorizations.append(authorization)
        if self.latency:
            time.sleep(self.latency)
        return self.script(body)


def _handler(server: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm on, the body waits for
        # the client's delayed ACK of the headers, 40 ms on every reply of a kept-alive
        # connection, a delay no real server adds (`latency` is there to add one on purpose).
        disable_nagle_algorithm = True

        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, headers, reply = server.handle(body, self.headers.get("Authorization") or "")
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
