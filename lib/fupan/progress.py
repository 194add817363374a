"""What a long ``fupan run`` is doing: its steps, as they start and end, for the operator watching.

At ten million order lines a run spends half a minute validating and two minutes in the report's
first cell (the extract and the analyses) while papermill's bar stands at one cell. Each long step
— reading and checking a table, writing the validated tables, the extract's staging and queries,
each analysis of the pipeline — is wrapped in :func:`step`. When the environment names a file in
:data:`ENV` (``fupan run`` sets it for itself and for the report's kernel, which inherits it), the
step appends one line when it starts and one when it ends; otherwise :func:`step` does nothing.

:class:`Watcher` (in ``fupan run``) reads that file as it grows and prints, between the lines of
the progress bar, each step that has run for :data:`ANNOUNCE_AFTER` seconds (``… label``) and each
step that took at least :data:`SHOW_AFTER` seconds once it ends (``· label 12.3 s``): a small
campaign's run prints none of them, a big one says where its minutes go. Labels are fixed text and
file names of the campaign folder, never a value of the data.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: The environment variable naming the file the steps are appended to.
ENV = "FUPAN_PROGRESS"
#: A step still running after this many seconds is announced (``… label``).
ANNOUNCE_AFTER = 5.0
#: A step that took at least this many seconds is printed with its time when it ends
#: (``FUPAN_PROGRESS_SHOW_AFTER`` in the environment changes it; 0 prints every step).
SHOW_AFTER = 2.0


def on_terminal(stream=None) -> bool:
    """Whether ``stream`` (standard error by default) is a terminal: bars that redraw a line
    (papermill's cells, the batch's campaigns) are drawn only there; in a log file or a pipe they
    would leave every redraw behind, so a log gets whole lines instead."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


def _append(line: str) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:  # progress is a courtesy: it never stops a run
        pass


@contextmanager
def step(zh: str, en: str) -> Iterator[None]:
    """Mark the enclosed work as the step ``zh en`` (its start, its end and its seconds)."""
    if not os.environ.get(ENV):
        yield
        return
    label = f"{zh} {en}".replace("\t", " ").replace("\n", " ")
    t0 = time.perf_counter()
    _append(f"start\t{label}")
    try:
        yield
    finally:
        _append(f"end\t{label}\t{time.perf_counter() - t0:.3f}")


class Watcher:
    """Follows the progress file in a thread and prints the long steps with ``echo``.

    ``show_after`` / ``announce_after``: the thresholds (seconds) of :data:`SHOW_AFTER` and
    :data:`ANNOUNCE_AFTER`. :meth:`poll` reads what was appended since the last call; the thread
    calls it every ``interval`` seconds, and :meth:`stop` once more, so no ended step is missed.
    """

    def __init__(
        self,
        path: Path,
        echo: Callable[[str], None],
        *,
        show_after: float = SHOW_AFTER,
        announce_after: float = ANNOUNCE_AFTER,
        interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.echo = echo
        self.show_after = show_after
        self.announce_after = announce_after
        self.interval = interval
        self.clock = clock
        self._offset = 0
        self._partial = ""
        #: label → (when it was seen to start, announced yet)
        self._open: dict[str, tuple[float, bool]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> None:
        """Read the new lines; print the steps that ended long, announce those running long."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                fh.seek(self._offset)
                text = fh.read()
                self._offset = fh.tell()
        except OSError:
            text = ""
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()  # a line not yet complete waits for the next poll
        now = self.clock()
        for line in lines:
            parts = line.split("\t")
            if parts[0] == "start" and len(parts) == 2:
                self._open[parts[1]] = (now, False)
            elif parts[0] == "end" and len(parts) == 3:
                self._open.pop(parts[1], None)
                try:
                    seconds = float(parts[2])
                except ValueError:
                    continue
                if seconds >= self.show_after:
                    self.echo(f"  · {parts[1]} {seconds:.1f} s")
        for label, (since, announced) in list(self._open.items()):
            if not announced and now - since >= self.announce_after:
                self.echo(f"  … {label}")
                self._open[label] = (since, True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()

    def start(self) -> Watcher:
        """Start following the file in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="fupan-progress", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and read the file one last time."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.poll()


@contextmanager
def watched(echo: Callable[[str], None], enabled: bool = True) -> Iterator[None]:
    """Within the block, steps (of this process and of the processes it starts, which inherit the
    environment) are printed by a :class:`Watcher` with ``echo``; the file is removed after.
    ``enabled=False`` (``--quiet``): nothing is set, nothing printed."""
    if not enabled or os.environ.get(ENV):  # an outer run already watches
        yield
        return
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix="fupan-progress-", suffix=".log")
    except OSError:  # no writable temporary directory: the run goes on without step lines
        yield
        return
    os.close(fd)
    os.environ[ENV] = name
    try:
        show_after = float(os.environ.get("FUPAN_PROGRESS_SHOW_AFTER", SHOW_AFTER))
    except ValueError:
        show_after = SHOW_AFTER
    watcher = Watcher(Path(name), echo, show_after=show_after).start()
    try:
        yield
    finally:
        watcher.stop()
        del os.environ[ENV]
        Path(name).unlink(missing_ok=True)
