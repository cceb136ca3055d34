"""Many writers at once, as a busy site has them: each thread has its own database
connection (Django opens one per thread), and all start together at a barrier."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def at_once(count, action):
    """Run action(0) … action(count - 1) in `count` threads released together; their
    results in order. An exception in a thread is re-raised here."""
    start = threading.Barrier(count)

    def run(index):
        start.wait(timeout=30)
        try:
            return action(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
