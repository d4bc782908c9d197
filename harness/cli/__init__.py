"""``librelog-verify``: run the scenarios, validate them, check a station, or serve both stubs.

One module per command (``run``, ``report``, ``validate``, ``schema``, ``reference``, ``catalog``,
``cleanup``, ``check``, ``drift``, ``interpose``, ``serve``), what they share in ``common``, the
run's terminal summary in ``summary``, the parser and the exit codes in ``main``.

Exit codes: 0 everything that ran was verified; 1 a scenario failed (or a report could not be
built; for ``validate``, a scenario file has problems); 2 a usage or configuration problem, found
before anything ran (one line, no traceback; a file that is not readable YAML is one); 3 nothing
was verified (no scenario found, selected or run); 130 interrupted.
"""

from __future__ import annotations

from .main import main, parser

__all__ = ["main", "parser"]
