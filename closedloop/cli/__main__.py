"""``python -m closedloop.cli``: the same as the ``closedloop`` command."""

import sys

from closedloop.cli import main

sys.exit(main())
