"""LibreTime's own web UI, read in a real headless browser: what a person signing a station off
looks at (the Scheduled Shows pane of a day, the Tracks library), compared with LibreLog.

``settings`` says where the UI is and how to log in; ``browser`` starts Debian's Chromium through
Playwright with a guard that lets only reads reach the station; ``session`` logs in and keeps the
evidence (screenshots, the browser console); ``schedule_view`` and ``library_view`` read one view
each; ``compare`` says how what the UI shows differs from what LibreLog holds.
"""

from __future__ import annotations

from .errors import UIError
from .settings import UISettings

__all__ = ["UIError", "UISettings"]
