"""``python -m graphlab`` = the ``graphlab`` command (also for ``torchrun -m graphlab``)."""

import sys

from graphlab.cli import main

sys.exit(main())
