"""The action's contract is written in three places: `action.yml`, the README's tables and
the code (`Settings` and each field's `Accepts`, the outputs written). They must agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from digest.config import Settings, action_inputs, digest_keys, input_name, split_list
from digest.deliver.outputs import OUTPUTS

ROOT = Path(__file__).parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Inputs whose action.yml default is not Settings' own, on purpose.
RUNNER_DEFAULTS = {"github-token": "${{ github.token }}", "publish": "commit"}


def readme_table(heading: str) -> dict[str, str]:
    """First column (each `name` in it) -> second column, of the table under `heading`."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                rows[name] = cells[1]
    return rows


def inputs_of_settings() -> dict[str, object]:
    """The action's inputs (declared `Accepts(action=True)`) and their defaults."""
    fields = {input_name(name): field for name, field in Settings.model_fields.items()}
    return {name: fields[name].get_default(call_default_factory=True) for name in action_inputs()}


def test_action_inputs_are_the_settings():
    assert set(ACTION["inputs"]) == set(inputs_of_settings())


@pytest.mark.parametrize("name", sorted(inputs_of_settings()))
def test_action_defaults_are_the_settings_defaults(name):
    declared = ACTION["inputs"][name]
    default = inputs_of_settings()[name]
    if name in RUNNER_DEFAULTS:
        assert declared["default"] == RUNNER_DEFAULTS[name]
    elif default is None or default == []:
        assert declared["default"] == ""
    elif isinstance(default, list):
        assert split_list(declared["default"]) == default
    else:
        expected = str(default).lower() if isinstance(default, bool) else str(default)
        assert declared["default"] == expected


def test_readme_inputs_table_lists_every_input_with_its_default():
    table = readme_table("Inputs")
    assert set(table) == set(ACTION["inputs"])
    for name, declared in ACTION["inputs"].items():
        default = str(declared.get("default", ""))
        if default and name not in RUNNER_DEFAULTS:
            assert table[name] == f"`{default}`", name


def test_readme_lists_the_keys_one_digest_of_a_configuration_file_accepts():
    # "... each with its own `repos`/`orgs`/..., `language`, ... (also `timezone`, ...). It is"
    paragraph = README.split("**A configuration file.**", 1)[1].split(" It is read from", 1)[0]
    listed = paragraph.split("each with its own", 1)[1]
    assert {name for names in re.findall(r"`([^`]+)`", listed) for name in names.split("/")} == (
        digest_keys()
    )


def test_outputs_agree_everywhere():
    assert set(ACTION["outputs"]) == set(OUTPUTS)
    assert set(readme_table("Outputs")) == set(OUTPUTS)
