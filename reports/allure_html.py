"""Allure 3's single-file HTML report, built offline and stripped of its analytics loader."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_GTAG_LOADER = re.compile(r"<script[^>]*googletagmanager\.com[^>]*>\s*</script>\s*", re.IGNORECASE)
_GTAG_INLINE = re.compile(r"<script>(?:(?!</script>).)*?\bgtag\((?:(?!</script>).)*?</script>\s*", re.DOTALL)
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(https?:)?//(?!localhost|127\.0\.0\.1)""", re.IGNORECASE)


class ReportError(Exception):
    """The report could not be built (the message says what to install or fix)."""


def strip_tracking(html: str) -> str:
    """Remove Allure's Google Analytics loader and its inline configuration script."""
    return _GTAG_INLINE.sub("", _GTAG_LOADER.sub("", html))


def external_references(html: str) -> list[str]:
    """Anything the page would load from another host (must be empty for an offline report)."""
    found = [m.group(0) for m in _EXTERNAL.finditer(html)]
    if "googletagmanager" in html or re.search(r"\bgtag\(", html):
        found.append("Google Analytics (gtag)")
    return found


def allure_command() -> list[str]:
    local = ROOT / "node_modules" / ".bin" / "allure"
    if local.exists():
        return [str(local)]
    raise ReportError("Allure 3 is not installed: run `npm ci` in the project (scripts/setup.sh does)")


def build(results: Path, output: Path, history: Path) -> Path:
    """``allure generate`` into ``output``/index.html, tracking removed and checked absent."""
    # Allure runs from the project root: hand it absolute paths, whatever the caller's cwd.
    results, output, history = results.resolve(), output.resolve(), history.resolve()
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise ReportError(f"no Allure results in {results}: run `librelog-verify run` first")
    if output.exists():
        shutil.rmtree(output)
    history.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LV_ALLURE_RESULTS": str(results),
        "LV_ALLURE_OUTPUT": str(output),
        "LV_ALLURE_HISTORY": str(history),
    }
    done = subprocess.run(  # noqa: S603 - the project's own pinned Allure
        [*allure_command(), "generate", str(results), "--config", str(ROOT / "allurerc.mjs")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    index = output / "index.html"
    if done.returncode != 0 or not index.exists():
        raise ReportError(f"allure generate failed ({done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
    html = strip_tracking(index.read_text(encoding="utf-8"))
    leftovers = external_references(html)
    if leftovers:
        raise ReportError(f"the Allure report still loads from other hosts: {leftovers[:5]}")
    index.write_text(html, encoding="utf-8")
    return index
