"""Run inside the image (.ci/action-run): do the modules a run imports load from bytecode that
is still valid? Imports what a run with a model imports, then reads each module's .pyc header:
hash-based and unchecked, or matching its source's time and size."""

import os
import sys

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
sys.dont_write_bytecode = True  # count what the image holds, never what this run would write

import litellm  # noqa: E402

import digest.cli  # noqa: E402
import digest.pipeline  # noqa: E402, F401

hello = [{"role": "user", "content": "hi"}]
litellm.completion(model="openai/any", messages=hello, mock_response="hi", api_key="x")


def valid(source: str, cached: str | None) -> bool:
    if not cached or not os.path.exists(cached):
        return False
    with open(cached, "rb") as pyc:
        header = pyc.read(16)
    flags = int.from_bytes(header[4:8], "little")
    if flags & 1:  # hash-based: unchecked is always used; checked is compared by the import
        return True
    stat = os.stat(source)
    mtime, size = int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little")
    return mtime == int(stat.st_mtime) & 0xFFFFFFFF and size == stat.st_size & 0xFFFFFFFF


modules = [
    m
    for name, m in list(sys.modules.items())
    if name != "__main__"
    and (getattr(m, "__file__", "") or "").endswith(".py")
    and getattr(m.__spec__, "origin", None) != "frozen"  # in the interpreter itself
]
stale = [m.__name__ for m in modules if not valid(m.__file__, getattr(m, "__cached__", None))]
print(f"{len(modules) - len(stale)} of {len(modules)} modules imported from valid bytecode")
for name in sorted(stale)[:10]:
    print(f"  no valid bytecode: {name}")
sys.exit(1 if stale else 0)
