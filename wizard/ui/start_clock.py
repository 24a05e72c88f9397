"""When the process started, so the start-up benchmark can time the first screen from the very beginning."""

import time

STARTED = time.perf_counter()
