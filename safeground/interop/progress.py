"""A small progress bar with rate and ETA on stderr (tqdm is not a dependency of SafeGround).

On a terminal it redraws one line; elsewhere (logs, CI) it prints a line at most every few seconds.
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.desc, self.total, self.done = "", 0, 0
        self.start = self.last = 0.0

    def stage(self, desc: str, total: int) -> Progress:
        """Start counting a new stage of `total` rows."""
        self._finish_line()
        self.desc, self.total, self.done = desc, max(total, 0), 0
        self.start = self.last = time.monotonic()
        if self.tty:
            self._draw(force=True)
        return self

    def update(self, n: int) -> None:
        self.done = min(self.total, self.done + n) if self.total else self.done + n
        self._draw()

    def close(self) -> None:
        if self.total and self.done < self.total:
            self.done = self.total
        self._draw(force=True)
        self._finish_line()
        self.desc = ""

    def _finish_line(self) -> None:
        if self.enabled and self.tty and self.desc:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.done / elapsed
        if self.total:
            pct = self.done / self.total
            width = 24
            bar = "#" * int(pct * width) + "-" * (width - int(pct * width))
            eta = (self.total - self.done) / rate if rate > 0 else float("inf")
            eta_text = f"ETA {eta:,.0f} s" if eta != float("inf") else "ETA ?"
            return f"{self.desc}: [{bar}] {pct:4.0%} {self.done:,}/{self.total:,} rows, {rate:,.0f} rows/s, {eta_text}"
        return f"{self.desc}: {self.done:,} rows, {rate:,.0f} rows/s"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled or not self.desc:
            return
        now = time.monotonic()
        every = 0.2 if self.tty else 5.0
        if not force and now - self.last < every:
            return
        self.last = now
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


class Silent(Progress):
    def __init__(self):
        super().__init__(enabled=False)
