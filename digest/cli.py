"""`digest run | collect | report`: flags named like the action's inputs, then the pipeline.

Library errors become one line and a non-zero exit; DIGEST_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from digest import __version__, actions
from digest.config import Settings, input_name, load_settings
from digest.errors import DigestError
from digest.models import Activity

# Inputs that come from the runner's environment, not from flags.
_ENV_ONLY = {"github_api_url", "github_server_url"}


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    for name, field in Settings.model_fields.items():
        if name in _ENV_ONLY:
            continue
        flag = "--" + input_name(name)
        if field.annotation is bool:
            parser.add_argument(flag, dest=name, nargs="?", const="true", help=field.description)
        else:
            parser.add_argument(flag, dest=name, metavar="VALUE", help=field.description)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="A daily digest of activity across GitHub repositories. Every flag can "
        "also be given as the INPUT_<NAME> variable a GitHub runner sets.",
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="collect, summarize, render and publish")
    collect = commands.add_parser("collect", help="collect activity into a JSON file")
    collect.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    report = commands.add_parser("report", help="summarize, render and publish an Activity file")
    report.add_argument("--activity", required=True, help="file written by `digest collect`")
    for sub in (run, collect, report):
        _add_setting_flags(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or actions.on_runner() else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,  # the CLI owns the process: whatever a library set up before, we log
    )
    logging.getLogger("LiteLLM").setLevel(logging.WARNING)  # one line per call otherwise
    values = {k: v for k, v in vars(args).items() if k in Settings.model_fields}
    try:
        settings = load_settings(**values)
        for secret in (settings.github_token, settings.api_key):
            actions.mask(secret.get_secret_value() if secret else None)
        return _dispatch(args, settings)
    except DigestError as exc:
        if os.environ.get("DIGEST_DEBUG"):
            raise
        actions.error(str(exc))
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from digest import pipeline  # imports PyGithub: not needed for --help or bad input

    api = None
    llm = pipeline.llm_config(settings)
    if args.command != "collect":
        pipeline.start_llm_warm_up(llm)
    if args.command == "report":
        activity = pipeline.load_activity(Path(args.activity))
        run_plan = pipeline.plan(settings, need_repos=False)
        run_plan = run_plan.model_copy(update={"window": activity.window})
        if run_plan.publish != "none":
            api = pipeline.github_api(settings)
        previous = pipeline.load_previous(run_plan, api)
    else:
        run_plan = pipeline.plan(settings)
        api = pipeline.github_api(settings)
        previous = pipeline.load_previous(run_plan, api) if args.command == "run" else None
        activity = pipeline.collect(run_plan, api, previous)
        if args.command == "collect":
            _write_activity(activity, args.output)
            return 0
    digest, result = pipeline.report(
        activity, run_plan, api, settings.github_server_url, llm, previous
    )
    print(result.report_path)
    failed = pipeline.failed_repos(digest)
    return 1 if failed and run_plan.fail_on_error else 0


def _write_activity(activity: Activity, output: str) -> None:
    text = activity.model_dump_json(indent=2) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
