"""Entry point for `python -m wayfinding`; see wayfinding.cli for the commands."""

import sys

from wayfinding.cli import main

sys.exit(main())
