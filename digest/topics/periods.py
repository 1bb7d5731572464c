"""A week's or a month's topics, from its days' matches.

Each day's matches are the ones its daily report keeps, when it was written with the same
declaration of the topic; otherwise (no daily, a day collected again, a topic declared since)
the day's activity is matched again, which costs no request. The period's items are the union
of its days': each item once, with every day's events, so the period's counts are the sum of
its days'.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.models import Activity, Topic, TopicEvent, TopicItem, TopicMatches, TopicWhy
from digest.topics.matching import match

_EVENTS: tuple[TopicEvent, ...] = ("opened", "merged", "closed", "pushed", "published")


def of_day(
    activity: Activity, kept: Sequence[TopicMatches] | None, topics: Sequence[Topic]
) -> list[TopicMatches]:
    """A day's matches of each of `topics`: as its daily report kept them (`kept`: None when
    the day's activity is not the daily's own), or matched again."""
    stored = {_key(m.topic): m for m in kept or []}
    again = [t for t in topics if _key(t) not in stored]
    fresh = {_key(m.topic): m for m in match(activity, again)} if again else {}
    return [stored.get(_key(t)) or fresh[_key(t)] for t in topics]


def _key(topic: Topic) -> str:
    """A declaration as a key: the same name, words, labels, paths and repositories."""
    return topic.model_dump_json()


def union(days: Sequence[Sequence[TopicMatches]], topics: Sequence[Topic]) -> list[TopicMatches]:
    """Each of `topics` over the days (oldest first; each day's matches from `of_day`)."""
    return [
        _topic(topic, [m for day in days for m in day if _key(m.topic) == _key(topic)])
        for topic in topics
    ]


def _topic(topic: Topic, days: list[TopicMatches]) -> TopicMatches:
    items: dict[str, TopicItem] = {}
    for day in days:
        for item in day.items:
            key = item.qualified_ref.lower()
            items[key] = _combined(items[key], item) if key in items else item
    unread = [ref for day in days for ref in day.unread if ref.lower() not in items]
    return TopicMatches(topic=topic, items=list(items.values()), unread=list(dict.fromkeys(unread)))


def _combined(earlier: TopicItem, later: TopicItem) -> TopicItem:
    """One item matched on two days: the later day's title and link, both days' events and
    reasons; its files unread only if no day read them all."""
    events = set(earlier.events) | set(later.events)
    why: dict[tuple[str, str], TopicWhy] = {}
    for reason in [*earlier.why, *later.why]:
        why.setdefault((reason.kind, reason.value.casefold()), reason)
    return later.updated(
        events=[e for e in _EVENTS if e in events],
        why=list(why.values()),
        files_unread=earlier.files_unread and later.files_unread,
    )
