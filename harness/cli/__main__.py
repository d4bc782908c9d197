"""``python -m harness.cli``: the same command as ``librelog-verify``."""

import sys

from .main import main

sys.exit(main())
