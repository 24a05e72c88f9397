"""`python -m wizard` runs the idspine command."""

import sys

from wizard.cli import main

sys.exit(main())
