"""The models of a run's digests: checked and warmed up while GitHub is read."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from digest.errors import LLM_EXTRA_MISSING, InputError
from digest.models import ModelSetup, Plan
from digest.pipeline.base import log

if TYPE_CHECKING:
    from digest.summarize.llm import LLMConfig


def llm_config(setup: ModelSetup | None) -> LLMConfig | None:
    """The model setup, checked; None for the built-in summarizer."""
    if setup is None:
        return None
    try:
        from digest.summarize.llm import LLMConfig, check_models  # imports litellm
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"litellm", "tenacity"}:
            raise InputError("model", LLM_EXTRA_MISSING) from None
        raise
    config = LLMConfig(
        models=setup.models,
        api_base=setup.api_base,
        api_key=setup.api_key.get_secret_value() if setup.api_key else None,
        max_input_tokens=setup.max_input_tokens,
    )
    check_models(config)
    return config


@contextmanager
def models_checked(plan: Plan) -> Iterator[Future[list[LLMConfig | None]]]:
    """Check every digest's model (importing litellm takes 3 s) and then warm it up, in a
    thread of its own while the body reads GitHub, which mostly waits on the network.

    The check still decides first: a model that cannot work is bad input (exit 2) even when
    the body failed too, and nothing has been written by then, since writing needs the model.
    The thread is joined, never left behind: a daemon thread still importing when the
    interpreter shuts down holds the import lock forever, and litellm's finalizers import
    while they run, so the process hung after its last line (see tests/test_exit.py)."""
    setups = [job.model if plan.stage != "collect" else None for job in plan.jobs]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-check") as pool:
        checking = pool.submit(lambda: [llm_config(setup) for setup in setups])
        warming = pool.submit(_warm_up, checking)
        try:
            yield checking
        except BaseException:
            if isinstance(bad_model := checking.exception(), InputError):
                raise bad_model from None
            raise
        finally:
            warming.result()


def _warm_up(checking: Future[list[LLMConfig | None]]) -> None:
    """Load tokenizers and the provider SDK's lazily imported parts before the first call.
    Only an optimization: the real call reports real errors."""
    configs = [c for c in checking.result() if c] if checking.exception() is None else []
    if not configs:
        return
    from digest.summarize.llm import WarmUpFailed, warm_up

    try:
        warm_up(configs[0].models)
    except WarmUpFailed as exc:
        log.debug("warm-up failed: %s", exc)
