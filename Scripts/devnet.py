"""Entry point of Scripts/devnet (run with the repository's .venv/bin/python)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from devnet_lib.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
