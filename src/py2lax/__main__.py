"""``python -m py2lax`` is the ``py2lax`` command."""

import sys

from py2lax.tools.cli.main import main

sys.exit(main())
