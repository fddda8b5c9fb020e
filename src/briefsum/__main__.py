"""python -m briefsum: the same as the briefsum command."""

import sys

from .cli import main

sys.exit(main())
