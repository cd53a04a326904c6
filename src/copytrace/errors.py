"""The error types copytrace raises: bad input, and a termination request."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class InputError(ValueError):
    """Bad input: the message is one line that names the source and the problem.

    >>> raise InputError("notes.txt", "file is empty")
    Traceback (most recent call last):
    copytrace.errors.InputError: notes.txt: file is empty
    """

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (workers stopped, partial files removed).

    A KeyboardInterrupt subclass: code that already stops cleanly on Ctrl-C stops
    cleanly on SIGTERM, and ``except Exception`` does not swallow it.
    """


def _raise_terminated(signum, frame):
    # A second SIGTERM must not interrupt the clean-up the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated()


@contextmanager
def sigterm_raises():
    """While inside, SIGTERM raises :class:`Terminated` instead of killing the process outright.

    Left alone when not in the main thread (Python runs handlers only there) or
    when the program has its own SIGTERM handler.
    """
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
