"""Summarise a py-spy profile (`py-spy record --format raw`): where a worker spends its time.

    .venv/bin/python bench/profile_summary.py profile.txt [--top 25]

Prints each function's share of the samples in which the worker was busy: inclusive (the
function or anything it called) and self (the function itself). Idle samples (gunicorn
waiting for a request) are counted apart.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
# A worker waiting for the next request: not search work.
IDLE = ("select (selectors.py)", "wait (gunicorn/workers/sync.py)", "sleep (gunicorn/arbiter.py)")


def _short(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", "/perf16/", "/base/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path.rsplit("/", 2)[-1] if "/" in path else path


def _key(frame: str) -> str:
    found = _FRAME.match(frame.strip())
    if not found:
        return frame.strip()
    return f"{found['func']} ({_short(found['file'])})"


def summarise(raw: str, top: int = 25) -> str:
    """Return the summary table of a raw py-spy profile."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    busy = idle = 0
    for line in raw.splitlines():
        stack, _space, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_key(f) for f in stack.split(";")]
        n = int(count)
        if any(f in IDLE for f in frames[-2:]):
            idle += n
            continue
        busy += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    if not busy:
        return "no busy samples"
    out = [f"{busy} busy samples, {idle} idle ({100 * idle / max(1, busy + idle):.0f}% idle)"]
    out.append("inclusive  self  function")
    shown = [f for f, n in inclusive.most_common() if n < busy * 0.97][:top]
    for frame in shown:
        out.append(
            f"{100 * inclusive[frame] / busy:8.1f}% {100 * own[frame] / busy:5.1f}%  {frame}"
        )
    out.append("self, most first:")
    for frame, n in own.most_common(12):
        out.append(f"{100 * n / busy:8.1f}%  {frame}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(summarise(args.profile.read_text(), args.top))


if __name__ == "__main__":
    main()
