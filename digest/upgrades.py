"""Files an earlier digest wrote, read by this one: one upgrade step per schema version.

Sidecars (`reports/DATE.json`), `digest collect`'s Activity files and `digest summarize`'s
partial digests carry `schema_version`. Each change to their shape bumps SCHEMA_VERSION
(models.py) and appends one step here, from the version before to the new one, so that a
file any earlier release wrote is read as this version's model (after simonw/llm's
migrations: a list of small functions, run in order before the data is used).

Each step is tested on a file the release that wrote that version really wrote
(tests/data/sidecars/, tests/test_history.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from digest.models import SCHEMA_VERSION, is_nightly

Document = dict[str, Any]  # a file's JSON, upgraded in place
Step = Callable[[Document], None]

# STEPS[n - 1] takes a file of version n to version n + 1.
STEPS: list[Step] = []


def step(upgrade: Step) -> Step:
    STEPS.append(upgrade)
    return upgrade


class CannotUpgrade(ValueError):
    """A file no step can bring to this version: newer, not JSON, or a shape none explains."""


M = TypeVar("M", bound=BaseModel)


def load(text: str | bytes, model: type[M]) -> M:
    """`model` from the JSON of a file any release of digest wrote."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CannotUpgrade(f"not JSON ({exc})") from None
    return validated(data, model)


def validated(data: object, model: type[M]) -> M:
    """`model` from a file's parsed JSON, upgraded first (in place)."""
    try:
        return model.model_validate(upgrade(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"]))
        raise CannotUpgrade(f"a shape no upgrade step explains ({where}: {error['msg']})") from None


def upgrade(data: object) -> Document:
    """The document at SCHEMA_VERSION: each step from its own version on, in order."""
    if not isinstance(data, dict):
        raise CannotUpgrade("not a JSON object")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CannotUpgrade(f"no schema version this digest knows ({version!r})")
    if version > SCHEMA_VERSION:
        raise CannotUpgrade(
            f"written by a newer digest (schema version {version}; this one reads up to "
            f"{SCHEMA_VERSION}): upgrade digest to read it"
        )
    for n in range(version, SCHEMA_VERSION):
        try:
            STEPS[n - 1](data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # A version-n file without what every version-n file has: not one digest wrote.
            raise CannotUpgrade(
                f"a shape no upgrade step explains (version {n}: {exc!r})"
            ) from None
        for document in (data, *_activities(data)):
            document["schema_version"] = n + 1
    return data


def _activities(document: Document) -> list[Document]:
    """The Activity a document is or holds (a sidecar's and a partial digest's `activity`)."""
    inner = document.get("activity")
    return [inner] if isinstance(inner, dict) else [document] if "window" in document else []


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _within(window: Document) -> Callable[[str | None], bool]:
    """Whether a timestamp falls in the file's window, [since, until)."""
    since = dt.datetime.fromisoformat(window["since"])
    until = dt.datetime.fromisoformat(window["until"])

    def contains(value: str | None) -> bool:
        moment = _moment(value)
        return moment is not None and since <= moment < until

    return contains


# -- the steps, oldest first ---------------------------------------------------------------


@step
def classified_in_the_window(document: Document) -> None:
    """1 -> 2. Release 1 (c71fe01) wrote no classification: pull requests and issues were
    compared to the window when read, and nightly builds were not told apart. Fill it in from
    the file's own window and timestamps, as collection does. Release 2 (380cafe) wrote
    version 1 already in version 2's shape (the bump was forgotten): its values are kept."""
    for activity in _activities(document):
        within = _within(activity["window"])
        for repo in activity.get("repos", []):
            for pull in repo.get("pulls", []):
                pull.setdefault("merged_in_window", within(pull.get("merged_at")))
                pull.setdefault("opened_in_window", within(pull.get("created_at")))
            for issue in repo.get("issues", []):
                issue.setdefault("opened_in_window", within(issue.get("created_at")))
                issue.setdefault("closed_in_window", within(issue.get("closed_at")))
            for release in repo.get("releases", []):
                tag = release.get("tag", "")
                release.setdefault("nightly", is_nightly(tag, release.get("name") or tag))
        if "overall" in document:  # a sidecar: the repositories a later run redoes
            # Release 1's transient failures (it had no "postponed").
            transient = ("rate_limited", "error")
            failed = [r["repo"] for r in activity.get("repos", []) if r.get("failure") in transient]
            document.setdefault("incomplete", failed)


@step
def followed_by_node_id(document: Document) -> None:
    """2 -> 3. Version 3 keeps what later reports follow an item by: each pull request's and
    issue's node id, the issues a merged pull request closes, when a pull request was closed,
    an issue's state reason, and the report's follow-ups. Earlier files have none of them:
    their items are followed by repository and number instead, and a pull request closed in
    its window is taken to have closed when it merged (the only close they kept)."""
    for activity in _activities(document):
        for repo in activity.get("repos", []):
            for pull in repo.get("pulls", []):
                pull.setdefault("closed_at", pull.get("merged_at"))


@step
def topics_followed(document: Document) -> None:
    """3 -> 4. Version 4 keeps the topics a digest follows (`topics`: each with what it
    matched) and, on each follow-up, the topics that matched it. A version-3 file was written
    before topics existed: it followed none, and none matched its follow-ups."""
    if "overall" in document:  # a sidecar (an Activity file or a partial digest has neither)
        document.setdefault("topics", [])
        for followup in (document.get("memory") or {}).get("followups", []):
            followup.setdefault("topics", [])
