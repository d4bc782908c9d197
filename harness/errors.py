"""The harness's exceptions, one hierarchy callers can catch precisely.

``harness_kind`` is a class attribute (not an isinstance check) because the plugin imports the
harness lazily and pytester may reload it, which makes the classes differ between runs.
"""

from __future__ import annotations


class HarnessError(Exception):
    """The harness could not do its part (configuration, an unreachable service, a refused step)."""

    harness_kind = "HARNESS ERROR"


class ServiceUnreachable(HarnessError):
    """LibreLog or LibreTime did not answer at all."""


class ConfigError(HarnessError):
    """A usage or configuration problem found before anything ran: the CLI exits 2 with one line."""
