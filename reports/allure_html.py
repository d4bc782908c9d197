"""Allure 3's single-file HTML report, built offline and stripped of its analytics loader."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "allurerc.mjs"
INSTALL_HINT = "run `npm ci` in a checkout of librelog-verify, or `npm install --global allure@3`"
_GTAG_LOADER = re.compile(r"<script[^>]*googletagmanager\.com[^>]*>\s*</script>\s*", re.IGNORECASE)
_GTAG_INLINE = re.compile(r"<script>(?:(?!</script>).)*?\bgtag\((?:(?!</script>).)*?</script>\s*", re.DOTALL)
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(https?:)?//(?!localhost|127\.0\.0\.1)""", re.IGNORECASE)


class ReportError(Exception):
    """The report could not be built (the message says what to install or fix)."""


class AllureMissing(ReportError):
    """No Allure 3 command line was found: the HTML report is optional unless a run requires it."""


def strip_tracking(html: str) -> str:
    """Remove Allure's Google Analytics loader and its inline configuration script."""
    return _GTAG_INLINE.sub("", _GTAG_LOADER.sub("", html))


def external_references(html: str) -> list[str]:
    """Anything the page would load from another host (must be empty for an offline report)."""
    found = [m.group(0) for m in _EXTERNAL.finditer(html)]
    if "googletagmanager" in html or re.search(r"\bgtag\(", html):
        found.append("Google Analytics (gtag)")
    return found


def _is_allure3(command: str) -> bool:
    """Allure 2 (the Java command line) shares the name but not the options: only 3.x will do."""
    try:
        done = subprocess.run(  # noqa: S603 - a program found on the caller's own PATH
            [command, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip().startswith("3.")


def allure_command() -> list[str]:
    """The Allure 3 command line: the checkout's pinned one, the current folder's, else one on PATH."""
    for folder in (HERE.parent, Path.cwd()):
        local = folder / "node_modules" / ".bin" / "allure"
        if local.exists():
            return [str(local)]
    found = shutil.which("allure")
    if found and _is_allure3(found):
        return [found]
    raise AllureMissing(f"the Allure 3 command line was not found ({INSTALL_HINT})")


def build(results: Path, output: Path, history: Path) -> Path:
    """``allure generate`` into ``output``/index.html, tracking removed and checked absent."""
    # Allure runs in the output's folder (writable, unlike an installed package): absolute paths.
    results, output, history = results.resolve(), output.resolve(), history.resolve()
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise ReportError(f"no Allure results in {results}: run `librelog-verify run` first")
    command = allure_command()
    if output.exists():
        shutil.rmtree(output)
    history.parent.mkdir(parents=True, exist_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LV_ALLURE_RESULTS": str(results),
        "LV_ALLURE_OUTPUT": str(output),
        "LV_ALLURE_HISTORY": str(history),
    }
    done = subprocess.run(  # noqa: S603 - the project's own pinned Allure
        [*command, "generate", str(results), "--config", str(CONFIG)],
        cwd=output.parent,
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
