"""``python -m py2lax`` is the ``py2lax`` command.

``python -m`` puts the working directory first on ``sys.path``, where a user's file named
like a standard module (``bisect.py``, ``random.py``) would be imported by the standard
library in its place: the command would run user code, which it never does. The
directory is dropped before anything else is imported (py2lax itself is already found).
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from py2lax.tools.cli.main import main  # noqa: E402

sys.exit(main())
