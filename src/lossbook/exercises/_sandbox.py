"""Run a learner's function so that it cannot hang, flood or change the notebook.

``call(function, args, time_limit)`` returns what ``function(*args)`` returns, with

- a time limit: after ``time_limit`` seconds the call is interrupted and ``TimeUp``
  is raised (an endless ``while True:`` loop, even one that catches ``Exception``),
  except in Pyodide (in the browser), which has no way to interrupt it;
- its prints and warnings thrown away as they come (an endless print loop cannot
  fill the memory), NumPy floating-point errors silenced;
- global state put back afterwards: NumPy's and Python's random generators,
  NumPy print options, functions patched into ``numpy`` (``nnfs.init()`` replaces
  ``np.dot``, ``np.zeros``, ...), matplotlib's rcParams.

>>> call(lambda x: x + 1, (1,), time_limit=1)
2
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import random
import signal
import sys
import threading
import warnings
from typing import Any, Callable

import numpy as np


class TimeUp(BaseException):
    """Raised inside a learner's function that runs past its time limit.

    A BaseException, so that a learner's ``except Exception:`` does not swallow it.
    """


class _Discard(io.TextIOBase):
    """A text stream that forgets everything written to it."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


def call(function: Callable, args: tuple, time_limit: float) -> Any:
    """``function(*args)``: quiet, within ``time_limit`` seconds, global state restored."""
    with _restored_globals(), contextlib.redirect_stdout(_Discard()), \
            contextlib.redirect_stderr(_Discard()), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _within(time_limit, function, args)


def _within(seconds: float, function: Callable, args: tuple) -> Any:
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(seconds, function, args)
    if sys.platform == "emscripten":
        # Pyodide (the book's in-browser edition) has neither timers that interrupt nor
        # threads: the call runs without a limit there (an endless loop needs Restart).
        return function(*args)
    return _with_watchdog(seconds, function, args)


def _with_alarm(seconds: float, function: Callable, args: tuple) -> Any:
    """Main thread on Unix (a Jupyter kernel): SIGALRM interrupts the running Python code."""
    def time_up(signum, frame):
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, time_up)
    # Fire again every 0.1 s, in case the learner's code catches the first one.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_watchdog(seconds: float, function: Callable, args: tuple) -> Any:
    """Elsewhere (Windows, a worker thread): a timer raises TimeUp in the calling thread."""
    target = threading.get_ident()
    done = threading.Event()

    def time_up():
        while not done.wait(0.1):  # repeat until the call has really ended
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(TimeUp))

    timer = threading.Timer(seconds, time_up)
    timer.daemon = True
    timer.start()
    try:
        return function(*args)
    finally:
        done.set()
        timer.cancel()
        timer.join()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)  # drop one still pending


@contextlib.contextmanager
def _restored_globals():
    numpy_functions = {module: dict(vars(module)) for module in (np, np.random)}
    numpy_random, python_random = np.random.get_state(), random.getstate()
    matplotlib = sys.modules.get("matplotlib")
    rc = matplotlib.rc_context() if matplotlib is not None else contextlib.nullcontext()
    try:
        with np.printoptions(), rc:
            yield
    finally:
        for module, before in numpy_functions.items():
            for name, value in before.items():
                if vars(module).get(name) is not value:
                    setattr(module, name, value)
        np.random.set_state(numpy_random)
        random.setstate(python_random)
