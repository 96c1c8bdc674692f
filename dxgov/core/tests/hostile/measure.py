"""Run as ``python -m dxgov.core.tests.hostile.measure FILE``: parse FILE with every upload
parser (the task import, the report form) in a fresh process and print, as JSON, how far the
process's peak memory rose above what it held before, the time taken and each refusal.

A separate process, so that nothing a test run did before counts. The peak is the kernel's
high-water mark of resident memory (``VmHWM``), reset just before parsing (``clear_refs``), less
the resident memory then (``VmRSS``); where the reset is not allowed, ``ru_maxrss`` less the
resident memory, which can only overstate the rise.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_kb(field: str) -> int | None:
    try:
        lines = STATUS.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _resident_kb() -> int:
    current = _status_kb("VmRSS")
    return current if current is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kb(reset: bool) -> int:
    peak = _status_kb("VmHWM") if reset else None
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxgov.test_settings")
    import django

    django.setup()
    from django.utils import translation

    from dxgov.directives import excel as task_excel
    from dxgov.reporting import excel as form_excel

    translation.activate("vi")
    with open(path, "rb") as stream:
        data = stream.read()
    reset = _reset_peak()
    before = _resident_kb()
    started = time.perf_counter()
    _rows, task_errors = task_excel.parse_import(data)
    form = form_excel.parse_form(data)
    seconds = time.perf_counter() - started
    peak = _peak_kb(reset)
    print(
        json.dumps(
            {
                "peak_mb": round(max(0, peak - before) / 1024, 1),
                "resident_mb": round(before / 1024, 1),
                "seconds": round(seconds, 3),
                "task_errors": [error.reason for error in task_errors],
                "form_errors": [error.message for error in form.errors],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
