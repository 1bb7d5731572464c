"""run(plan): the command the plan names — collect -> summarize -> render -> archive -> deliver,
or the part of it a command does.

Stages pass models (models.py), never control: this package is the only code that knows
them all. A command opens what the run needs (its source, archive, channels) while the
models are checked, then every step takes the run's context, `base.Run`. Its modules, one
step each:

- base.py: `Run` (plan, job log, GitHub client, History, each digest's model), the log
- commands.py: `run`, `collect`, `summarize`, `report`, `site`, and the table from stage to command
- sources.py: where activity comes from (`SOURCES`): the files `digest collect` wrote, or GitHub
- work.py: the reports to write: the job's own date, the dates backfill fills in
- backfill.py: which earlier dates a run also writes: missing reports, incomplete ones
- rollup/: a weekly or monthly report from the dailies in the archive
- summarizing.py: each report summarized, with what earlier reports told followed up
- llms.py: the models checked and warmed up while GitHub is read
- publishing.py: the archive, and the run's outputs (`OUTPUTS`) published there at once
- channels.py: the channels (`CHANNELS`; deliver/channels.py) opened from the plan

A new source, output or channel plugs in through its registry: `SOURCES`, `OUTPUTS`,
`CHANNELS`; a new section of the report through render/sections.py's `SECTIONS`.
"""

from __future__ import annotations

from digest.actions import Runner
from digest.github import GitHubAPI
from digest.models import Plan
from digest.pipeline.commands import COMMANDS


def run(plan: Plan, runner: Runner, github: GitHubAPI | None = None) -> int:
    """Carry out the plan's command; its exit code. Fatal failures raise DigestError.
    `github`: the client the configuration file was read with, used again when the plan's
    token is the same, so that every request of the run is counted together."""
    return COMMANDS[plan.stage](plan, runner, github)
