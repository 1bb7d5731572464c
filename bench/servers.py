"""The fake GitHub and model servers in a process of their own, so that their CPU time
(executing GraphQL, counting tokens) does not slow down the digest run being measured."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from functools import partial
from multiprocessing.connection import Connection

from tests.fakegithub.server import FakeGitHub, FakeRepo
from tests.fakellm.server import FakeLLM, diligent


def _serve(
    repos: list[FakeRepo], github_latency: float, llm_latency: float, token: str, conn: Connection
) -> None:
    script = partial(diligent, count_tokens=True)
    script(
        {
            "messages": [
                {"role": "system", "content": ""},  # load the tokenizer now
                {"role": "user", "content": "warm up"},
            ]
        }
    )
    with (
        FakeGitHub(repos, latency=github_latency, token=token) as github,
        FakeLLM(script, latency=llm_latency) as llm,
    ):
        conn.send((github.api_url, llm.api_base))
        while (command := conn.recv()) != "stop":
            if command == "counts":
                conn.send((Counter(github.counts()), len(llm.requests)))


class Servers:
    """`with Servers(...) as s:` then `s.api_url`, `s.api_base`, `s.counts()`."""

    def __init__(
        self, repos: list[FakeRepo], github_latency: float, llm_latency: float, token: str
    ):
        self._conn, child = mp.get_context("spawn").Pipe()
        self._process = mp.get_context("spawn").Process(
            target=_serve, args=(repos, github_latency, llm_latency, token, child), daemon=True
        )

    def __enter__(self) -> Servers:
        self._process.start()
        self.api_url, self.api_base = self._conn.recv()
        return self

    def counts(self) -> tuple[Counter, int]:
        self._conn.send("counts")
        return self._conn.recv()

    def __exit__(self, *_: object) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)
