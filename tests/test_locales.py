"""Every report string exists in every language, in the same shape, with the same blanks: a key
added to en.toml alone would fail a Chinese report at run time (KeyError), and a `{name}` left
out of zh.toml would drop a fact from every Chinese report."""

from __future__ import annotations

import string
import tomllib
from importlib.resources import files
from typing import Any, get_args

import pytest

from digest.models import Language

LANGUAGES = get_args(Language)


def strings(language: str) -> dict[str, Any]:
    return tomllib.loads(files("digest.locales").joinpath(f"{language}.toml").read_text("utf-8"))


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def blanks(value: Any) -> list[set[str]]:
    texts = value if isinstance(value, list) else [value]
    return [{name for _, name, _, _ in string.Formatter().parse(t) if name} for t in texts]


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_string_in_the_same_shape_with_the_same_blanks(language):
    english, other = flatten(strings("en")), flatten(strings(language))
    assert sorted(english.keys() - other.keys()) == [], f"missing in {language}.toml"
    assert sorted(other.keys() - english.keys()) == [], f"only in {language}.toml"
    for key, value in english.items():
        assert type(other[key]) is type(value), key
        if isinstance(value, list):
            assert len(other[key]) == len(value), key
        assert blanks(other[key]) == blanks(value), key
