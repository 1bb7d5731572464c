"""`digest run | collect | summarize | report | site`: flags named like the action's inputs, then
the pipeline.

Each command offers only the flags that apply to it. Failures become one line and an exit
code that means one thing (errors.py); DIGEST_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn, get_args, get_origin

from digest import __version__
from digest.actions import Runner
from digest.config import (
    Settings,
    accepts,
    build_plan,
    command_flags,
    digests_of,
    github_client,
    input_name,
    load_config_file,
    load_settings,
)
from digest.errors import FAILED, UNEXPECTED, DigestError
from digest.models import Job, Plan, Stage
from digest.shards import read as read_inputs
from digest.topics import in_repos

_ENVIRONMENT = """\
environment:
  GITHUB_TOKEN        token used when --github-token is not given
  GITHUB_API_URL      GitHub API base URL (GitHub Enterprise Server; default https://api.github.com)
  GITHUB_SERVER_URL   GitHub web base URL for links (default https://github.com)
  INPUT_<NAME>        any flag, as a GitHub runner passes the action's inputs (INPUT_REPORTS-DIR)
  DIGEST_DEBUG=1      show tracebacks instead of one-line errors
"""
_EXAMPLES = {
    "run": "digest run --repos vllm-project/vllm,sgl-project/sglang --output-dir out",
    "collect": "digest collect --orgs NVIDIA --date 2026-02-04 --shard 2/4  "
    "# writes activity-2-of-4.json",
    "summarize": "digest summarize --activity activity-2-of-4.json  # writes summaries-2-of-4.json",
    "report": "digest report --activity 'summaries-*.json' --language zh --output-dir out",
    "site": "digest site --output-dir out  # the reports in out/ as a site, in out/_site",
}
# A command per stage. The inputs each offers are declared on Settings (config.Accepts);
# what it does, here.
_COMMANDS: tuple[Stage, ...] = get_args(Stage)
_LIST_METAVARS = {"activity": "FILE", "notify": "URL", "topics": "LINE"}
_HELP = {
    "run": "collect, summarize, render and publish",
    "collect": "collect a window's activity (or one shard's) into a JSON file",
    "summarize": "summarize each repository of Activity files into a partial digest",
    "report": "merge Activity files or partial digests, then summarize, render and publish",
    "site": "build a static site (search, timelines, charts) from the archive of reports",
}


def _default(name: str) -> str | None:
    field = Settings.model_fields[name]
    if field.default_factory is not None or field.default in (None, ""):
        return None
    value = str(field.default).lower() if isinstance(field.default, bool) else str(field.default)
    # A runner's variable comes first where it is set (GITHUB_WORKSPACE for --output-dir).
    runner = accepts(field).runner
    return f"${runner}, else {value}" if runner else value


def _add_setting_flags(parser: argparse.ArgumentParser, command: Stage) -> None:
    """The flags of the inputs whose `Accepts` (on their Settings field) names `command`."""
    for name in command_flags(command):
        field = Settings.model_fields[name]
        flag = "--" + input_name(name)
        default = _default(name)
        text = (field.description or "") + (f" (default: {default})" if default else "")
        if field.annotation is bool:
            parser.add_argument(flag, dest=name, nargs="?", const="true", help=text)
        elif get_origin(field.annotation) is list:
            # A list: each flag adds its values (one or more: a shell's glob gives several
            # files) to the others'; config.py splits each value as the input's own text.
            metavar = _LIST_METAVARS.get(name, "VALUE")
            parser.add_argument(
                flag,
                dest=name,
                action="extend",
                nargs="+",
                metavar=metavar,
                help=f"{text}; each {flag} adds to the others",
            )
        else:
            parser.add_argument(flag, dest=name, metavar="VALUE", help=text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="A daily digest of activity across GitHub repositories. Every flag can "
        "also be given as the INPUT_<NAME> variable a GitHub runner sets.",
        epilog=_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log every step"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS:
        sub = commands.add_parser(
            command,
            help=_HELP[command],
            description=_HELP[command][0].upper() + _HELP[command][1:] + ".",
            epilog=f"example:\n  {_EXAMPLES[command]}\n\n{_ENVIRONMENT}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[verbose],
        )
        if command in ("collect", "summarize"):
            sub.add_argument(
                "--output",
                "-o",
                help="file to write (default: activity-K-of-N.json with --shard, else stdout; "
                "summarize: summaries-K-of-N.json)",
            )
        _add_setting_flags(sub, command)
    return parser


def _configure_logging(verbose: bool, runner: Runner) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose or runner.active else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,  # the CLI owns the process: whatever a library set up before, we log
    )
    # litellm logs provider errors unredacted and one line per call; ours are redacted.
    debug = bool(os.environ.get("DIGEST_DEBUG"))
    logging.getLogger("LiteLLM").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    # urllib3 logs each retry of an unreachable host; digest says it once, naming the host.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if debug else logging.ERROR)
    # Apprise logs the services it calls, URLs (secrets) included; digest names them safely.
    logging.getLogger("apprise").setLevel(logging.DEBUG if debug else logging.CRITICAL)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner = Runner.from_environ(os.environ)
    _configure_logging(args.verbose, runner)
    # Before anything imports litellm: without these, its import fetches a price map online
    # and its Anthropic path a beta-headers list on the first call (a 5 s timeout on a runner
    # with no route there); the copies it ships are enough.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS", "True")
    values = {k: v for k, v in vars(args).items() if k in Settings.model_fields}
    try:
        settings = load_settings(**values)
        _mask(runner, settings)
        github = github_client(settings)  # the run's: the file's request counts with the rest
        file = load_config_file(settings, github)
        if file is not None:
            settings = load_settings(file, **values)
            _mask(runner, settings)
        digests = digests_of(file, **values)
        stage = settings.stage if args.command == "run" else args.command
        inputs = (
            read_inputs(settings.activity, Path(settings.output_dir))
            if stage in ("summarize", "report") and settings.activity
            else None
        )
        plan = build_plan(
            settings,
            stage,
            on_runner=runner.active,
            activity=inputs.activity if inputs else None,
            output=getattr(args, "output", None),
            digests=digests,
            summaries=inputs.summaries if inputs else None,
            summaries_language=inputs.language if inputs else None,
        )
        _mask(runner, settings, plan)
        if settings.notify_topics and not settings.notify:
            runner.warning("notify-topics is set but no notify URL is: nothing will be sent")
        for warning in _topics_following_nothing(plan):
            runner.warning(warning)
        # The job log's first line, before the pipeline's imports (a second): what this run does.
        logging.getLogger("digest").info("%s", _outline(plan))
        from digest import pipeline  # imports PyGithub: not needed for --help or bad input

        return pipeline.run(plan, runner, github)
    except DigestError as exc:
        if os.environ.get("DIGEST_DEBUG"):
            raise
        runner.error(str(exc))
        return exc.exit_code
    except Exception as exc:  # a bug or an answer nobody planned for: still one line
        if os.environ.get("DIGEST_DEBUG"):
            raise
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        runner.error(UNEXPECTED.format(kind=type(exc).__name__, message=first_line))
        return FAILED


def _outline(plan: Plan) -> str:
    if plan.stage == "site":  # reads the archive, whatever the day
        folders = ", ".join(sorted({job.layout.reports_dir for job in plan.jobs}))
        return f"{__version__} site: the reports in {folders or 'the archive'} -> {plan.site_dir}"
    jobs = [_job_outline(job) for job in plan.jobs[:3]]
    if len(plan.jobs) > 3:
        jobs.append(f"{len(plan.jobs) - 3} more digests")
    published = f"publish: {plan.target.mode}"
    return f"{__version__} {plan.stage}: " + "; ".join([*jobs, published])


def _job_outline(job: Job) -> str:
    span, days = job.span, len(job.span.days)
    when = f"{days} days to {span.last}" if span.period == "day" and days > 1 else span.label
    n = len(job.repos)
    followed = [f"{n} {'repository' if n == 1 else 'repositories'}"] if n else []
    followed += [f"orgs {', '.join(job.orgs)}"] if job.orgs else []
    followed += ["a search"] if job.search else []
    summarizer = job.model.models[0] if job.model else "the built-in summarizer"
    return (
        f"{job.period} {when} ({job.timezone}) of {' + '.join(followed) or 'nothing'}, "
        f"by {summarizer}"
    )


def _topics_following_nothing(plan: Plan) -> list[str]:
    """A topic limited (`repos:`) to none of the repositories a digest names: it can match
    nothing. Only where the repositories are all named (orgs and a search find theirs later)."""
    return [
        f"topic {topic.name!r}: its repos ({', '.join(topic.repos)}) are none of the "
        "repositories followed, so it can match nothing"
        for job in plan.jobs
        if job.repos and not (job.orgs or job.search)
        for topic in job.topics
        if topic.repos and not any(in_repos(topic, repo) for repo in job.repos)
    ]


def _mask(runner: Runner, settings: Settings, plan: Plan | None = None) -> None:
    """Every secret the log could show, as soon as it is known: a `notify` URL read from an
    environment variable (`${NAME}`) once the plan has read it."""
    notify = plan.notify if plan else settings.notify
    for secret in (settings.github_token, settings.api_key, *(n.url for n in notify)):
        runner.mask(secret.get_secret_value() if secret else None)


def entry(argv: list[str] | None = None) -> NoReturn:
    """The process entry point (`digest`, `python -m digest`, the action's image)."""
    code = main(argv)
    # The OS reclaims the memory at exit. Left to the collector, tearing down the ~300,000
    # objects litellm's import creates took a second after the last line of every run.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
