"""``python -m nexigon_fake serve …``."""

import sys

from nexigon_fake.serve.cli import main

sys.exit(main())
