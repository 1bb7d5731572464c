"""Compile the image's Python to bytecode at build time, once, for every run.

    python image/bytecode.py DIR...

Each .pyc is hash-based and unchecked: valid whatever the files' times become on their way
into the image (a timestamp-based .pyc that no longer matched its source would be compiled
again, in vain, in every run's container: a second or more of litellm's import).

litellm ships its proxy server (a web application digest never starts) inside the package;
of it, a completion loads a few modules (a mocked one, here: no network), which are compiled
by name. The rest stays source: about 7 MB less to download on every run.
"""

from __future__ import annotations

import compileall
import os
import py_compile
import re
import sys

UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH
PROXY = re.compile(r"/litellm/proxy/")


def proxy_modules_litellm_imports() -> list[str]:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # never fetch the price map here
    sys.dont_write_bytecode = True  # this import only lists modules; the .pyc come below
    import litellm

    hello = [{"role": "user", "content": "hello"}]
    litellm.completion(model="openai/any", messages=hello, mock_response="hi", api_key="none")
    litellm.token_counter(model="openai/any", messages=hello)
    return sorted(
        module.__file__
        for name, module in list(sys.modules.items())
        if name.startswith("litellm.proxy") and getattr(module, "__file__", None)
    )


def main(folders: list[str]) -> int:
    imported = proxy_modules_litellm_imports()
    ok = all(
        compileall.compile_dir(
            folder, quiet=1, workers=0, rx=PROXY, invalidation_mode=UNCHECKED, force=True
        )
        for folder in folders
    )
    for path in imported:  # (uv may have compiled them already, by timestamp: replaced)
        py_compile.compile(path, doraise=True, invalidation_mode=UNCHECKED)
    print(f"bytecode: {' '.join(folders)}; litellm's proxy: {len(imported)} modules it imports")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
