"""Token budgets: count with the model's tokenizer (through litellm), never characters.

Each repository is summarized in calls of its own, so every repository gets the whole
budget wherever it stands in the list. A day too big for one call is split into parts,
most important items first, and the parts' summaries are merged: nothing is cut.
"""

from __future__ import annotations

from collections.abc import Callable

from digest.summarize.prompting import Block

DEFAULT_BUDGET = 24_000  # tokens per call when the user sets none: a busy day, not a week
ANSWER_RESERVE = 4_000  # room left in the context window for the answer


def input_budget(configured: int | None, context_windows: list[int | None]) -> int:
    """`max-input-tokens` if set, else the default, within every model's context window."""
    if configured:
        return configured
    known = [w - ANSWER_RESERVE for w in context_windows if w]
    return min([DEFAULT_BUDGET, *known])


def pack(
    blocks: list[Block], room: int, count: Callable[[str], int], separator: str = "\n"
) -> list[list[Block]]:
    """Blocks, in their order, into as few parts as fit `room` tokens each."""
    if count(separator.join(b.text for b in blocks)) <= room:
        return [blocks] if blocks else []  # the usual day: one count, one part
    parts: list[list[Block]] = []
    current: list[Block] = []
    used = 0
    joint = count(separator)
    for block in blocks:
        size = count(block.text) + joint
        if current and used + size > room:
            parts.append(current)
            current, used = [], 0
        current.append(block)
        used += size
    if current:
        parts.append(current)
    return parts
