"""The container's entry point: `digest run` configured by the runner's INPUT_* variables."""

import sys

from digest.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
