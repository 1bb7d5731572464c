"""The container's entry point: `digest run` configured by the runner's INPUT_* variables."""

import sys

from digest.cli import entry

if __name__ == "__main__":
    entry(["run", *sys.argv[1:]])
