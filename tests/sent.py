"""What Apprise sent, captured without a network: its HTTP posts (chat services, webhooks)
and its mail, each answered as the service answers success. For tests and benchmarks that
read each message as its service shows it (tests/readers.py)."""

from __future__ import annotations

import json
import smtplib
from typing import Any

import pytest
import requests


class Sent:
    """`Sent(monkeypatch)`: from then on `requests.post`/`request` answer 200 with a body
    every service here takes for success, and SMTP accepts every mail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.posts: list[tuple[str, Any]] = []  # (URL, JSON body or data)
        self.mails: list[str] = []  # each message as sent over SMTP
        monkeypatch.setattr(requests, "post", self._post)
        monkeypatch.setattr(requests, "request", lambda _m, url, **kw: self._post(url, **kw))
        smtp = _smtp(self.mails)
        monkeypatch.setattr(smtplib, "SMTP", smtp)
        monkeypatch.setattr(smtplib, "SMTP_SSL", smtp)

    def _post(self, url: str, data: Any = None, json_body: Any = None, **kwargs: Any):
        body = kwargs.get("json", json_body)
        if body is None and isinstance(data, (str, bytes)):
            body = json.loads(data)
        self.posts.append((url, body if body is not None else data))
        response = requests.Response()
        response.status_code = 200
        # Slack's webhooks answer "ok"; the others, JSON that says so
        ok = b"ok" if "hooks.slack.com" in url else b'{"ok": true, "code": 0, "result": {}}'
        response._content = ok
        return response

    def to(self, host: str) -> Any:
        (payload,) = [body for url, body in self.posts if host in url]
        return payload


def _smtp(mails: list[str]) -> type:
    class SMTP:
        def __init__(self, *args: Any, **kwargs: Any):
            pass

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: (250, b"ok")

        def sendmail(self, _from: str, _to: Any, message: str) -> dict:
            mails.append(message)
            return {}

    return SMTP


def strings(payload: Any) -> list[str]:
    """Every string in a JSON payload."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [s for value in payload.values() for s in strings(value)]
    if isinstance(payload, list):
        return [s for value in payload for s in strings(value)]
    return []


def body_in(payload: Any) -> str:
    """The message text in a service's JSON payload: the string holding the brief (its
    window line, `Activity on ...` or `Activity from ...`)."""
    (found,) = [s for s in strings(payload) if "Activity " in s.replace("\u200b", "")]
    return found
