"""Draw docs/check-dashboard.png: the Grafana dashboard's panels over real data.

    .venv/bin/python scripts/dashboard-picture.py [--minutes 3]

Four LibreTime stubs stand for a network's stations; ``librelog-verify check --stations`` writes
its Prometheus textfile every few seconds while the stations change (one gets a broken row, one
goes down, one has rows due and no playout); a real Prometheus (Debian's package) scrapes it. Each
panel of ``monitoring/grafana/librelog-check.json`` is then drawn from its own queries, asked of
that Prometheus, laid out by its gridPos, and the page is photographed in Debian's Chromium.
Grafana itself cannot be installed here (it is not packaged, and its licence rules it out), so
the picture is the dashboard's panels and queries, drawn by this script, not Grafana's pixels.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import Client, free_port, start  # noqa: E402

from harness.seeding.rows import completed  # noqa: E402
from harness.seeding.rows import test_file as file_body  # noqa: E402
from harness.ui.browser import launch  # noqa: E402

DASHBOARD = ROOT / "monitoring" / "grafana" / "librelog-check.json"
OUT = ROOT / "docs" / "check-dashboard.png"
KEY = "dashboard-picture-key"
PALETTE = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#ff9830"]
ROW_PX, WIDTH = 34, 1400


def _z(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _station(now: datetime, *, broken: bool = False, played: bool = True) -> dict[str, Any]:
    """Tomorrow's clean hour, rows due around now, and (``played``) their plays in the history."""
    minute = timedelta(minutes=1)
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    on_air = now.replace(second=0, microsecond=0) - 20 * minute
    instances = [
        {"id": 1, "show": 1, "starts_at": _z(tomorrow), "ends_at": _z(tomorrow + 60 * minute)},
        {"id": 2, "show": 1, "starts_at": _z(on_air), "ends_at": _z(on_air + 60 * minute)},
    ]
    rows, history = [], []
    for inst, begin in ((1, tomorrow), (2, on_air)):
        for i in range(60):
            start = begin + i * minute
            fade = None if broken and inst == 1 and i == 30 else "00:00:00"
            row = {"starts_at": _z(start), "ends_at": _z(start + minute), "position": i, "instance": inst}
            rows.append(
                completed("schedule", {**row, "length": "00:01:00", "cue_out": "00:01:00", "file": 1, "fade_in": fade})
            )
            if inst == 2 and played and start < now + 10 * minute:
                history.append({"starts": _z(start), "ends": _z(start + minute), "file": 1})
    show = completed("shows", {"id": 1, "name": "Drive time"})
    return {
        "reset": True,
        "files": [{"id": 1, **file_body({"length": "00:01:00"})}],
        "shows": [show],
        "show_instances": [completed("show_instances", i) for i in instances],
        "schedule": rows,
        "playout_history": history,
    }


class Prometheus:
    def __init__(self, folder: Path, target_port: int) -> None:
        self.port = free_port()
        config = folder / "prometheus.yml"
        config.write_text(
            "global: {scrape_interval: 5s, evaluation_interval: 5s}\n"
            f"rule_files: ['{ROOT / 'monitoring' / 'prometheus' / 'librelog-check.rules.yml'}']\n"
            "scrape_configs:\n"
            f"  - job_name: librelog-check\n    static_configs: [{{targets: ['127.0.0.1:{target_port}']}}]\n"
        )
        binary = shutil.which("prometheus")
        if binary is None:
            raise SystemExit("prometheus is not installed: apt-get install prometheus")
        self.proc = subprocess.Popen(  # noqa: S603 - Debian's prometheus
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={folder / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        for _ in range(100):
            try:
                if self.http.get("/-/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit("prometheus did not start")

    def query(self, expr: str, at: float) -> list[dict[str, Any]]:
        body = self.http.get("/api/v1/query", params={"query": expr, "time": at}).json()
        if body["status"] != "success":
            raise SystemExit(f"{expr}: {body}")
        return body["data"]["result"]

    def range(self, expr: str, start: float, end: float) -> list[dict[str, Any]]:
        params = {"query": expr, "start": start, "end": end, "step": 5}
        body = self.http.get("/api/v1/query_range", params=params).json()
        if body["status"] != "success":
            raise SystemExit(f"{expr}: {body}")
        return body["data"]["result"]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def _expr(target: dict[str, Any]) -> str:
    return target["expr"].replace("$station", ".*")


def _legend(target: dict[str, Any], metric: dict[str, str]) -> str:
    text = target.get("legendFormat", "")
    for key, value in metric.items():
        text = text.replace("{{" + key + "}}", value)
    return text if text and text != "__auto" else ",".join(f"{k}={v}" for k, v in metric.items()) or "value"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _fmt(value: float, unit: str) -> str:
    return _duration(value) if unit == "s" and value >= 60 else f"{value:.3g} s" if unit == "s" else f"{value:g}"


def _colour(value: float, panel: dict[str, Any]) -> str:
    steps = panel["fieldConfig"]["defaults"].get("thresholds", {}).get("steps", [])
    colour = "#73bf69"
    for step in steps:
        if step["value"] is None or value >= step["value"]:
            colour = {"green": "#1a7f37", "red": "#c4162a", "orange": "#e55b00"}.get(step["color"], step["color"])
    return colour


def _stat(panel: dict[str, Any], prom: Prometheus, at: float) -> str:
    result = prom.query(_expr(panel["targets"][0]), at)
    value = float(result[0]["value"][1]) if result else 0.0
    unit = panel["fieldConfig"]["defaults"].get("unit", "none")
    return f'<div class="stat" style="background:{_colour(value, panel)}">{html.escape(_fmt(value, unit))}</div>'


def _table(panel: dict[str, Any], prom: Prometheus, at: float) -> str:
    names = panel["transformations"][1]["options"]["renameByName"]
    columns = [names[f"Value #{t['refId']}"] for t in panel["targets"]]
    rows: dict[str, dict[str, float]] = {}
    for target, column in zip(panel["targets"], columns, strict=True):
        for sample in prom.query(_expr(target), at):
            rows.setdefault(sample["metric"].get("station", ""), {})[column] = float(sample["value"][1])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["station", *columns])
    body = []
    for station, values in sorted(rows.items(), key=lambda kv: (-kv[1].get("errors", 0), kv[0])):
        cells = [f"<td>{html.escape(station)}</td>"]
        for column in columns:
            value = values.get(column)
            text = "-" if value is None else _fmt(value, "s" if column == "since last success" else "none")
            style = ""
            if column == "errors" and value:
                style = ' style="background:#c4162a"'
            elif column == "readable" and value is not None:
                text, style = ("yes", ' style="color:#73bf69"') if value else ("no", ' style="color:#f2495c"')
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _series(panel: dict[str, Any], prom: Prometheus, start: float, end: float, w: int, h: int) -> str:
    lines = []
    for target in panel["targets"]:
        for result in prom.range(_expr(target), start, end):
            points = [(float(t), float(v)) for t, v in result["values"]]
            lines.append((_legend(target, result["metric"]), points))
    if not lines:
        return '<div class="empty">no data</div>'
    top = max((v for _, pts in lines for _, v in pts), default=1.0) or 1.0
    unit = panel["fieldConfig"]["defaults"].get("unit", "none")
    # The panel's title above, the legend below: the plot gets what is left.
    svg_h = h - 30 - 24
    left, top_px, width, height = 52, 8, w - 62, svg_h - 8 - 18
    svg = [f'<svg width="{w}" height="{svg_h}" xmlns="http://www.w3.org/2000/svg">']
    for frac in (0, 0.5, 1):
        y = top_px + height * (1 - frac)
        svg.append(f'<line x1="{left}" x2="{left + width}" y1="{y}" y2="{y}" stroke="#2c3235" />')
        svg.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{html.escape(_fmt(top * frac, unit))}</text>')
    span = (end - start) or 1

    def xy(t: float, v: float) -> str:
        return f"{left + (t - start) / span * width:.1f},{top_px + height * (1 - v / top):.1f}"

    for i, (_, points) in enumerate(lines):
        # Step after each sample, as the panel draws it (lineInterpolation stepAfter).
        path = [xy(*points[0])]
        for (_, before), (t, v) in itertools.pairwise(points):
            path += [xy(t, before), xy(t, v)]
        colour = PALETTE[i % len(PALETTE)]
        svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(path)}" />')
    for t, anchor in ((start, "start"), (end, "end")):
        clock = datetime.fromtimestamp(t, UTC).strftime("%H:%M:%S")
        x = left if anchor == "start" else left + width
        svg.append(f'<text x="{x}" y="{svg_h - 4}" text-anchor="{anchor}">{clock}</text>')
    svg.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(name)}</span>'
        for i, (name, _) in enumerate(lines)
    )
    return "".join(svg) + f'<div class="legend">{legend}</div>'


def page(dashboard: dict[str, Any], prom: Prometheus, start: float, end: float) -> str:
    unit = WIDTH / 24
    parts = []
    height = 0
    for panel in dashboard["panels"]:
        g = panel["gridPos"]
        x, y, w, h = g["x"] * unit, g["y"] * ROW_PX, g["w"] * unit - 8, g["h"] * ROW_PX - 8
        height = max(height, y + h)
        if panel["type"] == "stat":
            inner = _stat(panel, prom, end)
        elif panel["type"] == "table":
            inner = _table(panel, prom, end)
        else:
            inner = _series(panel, prom, start, end, int(w), int(h))
        parts.append(
            f'<div class="panel" style="left:{x:.0f}px;top:{y + 56}px;width:{w:.0f}px;height:{h}px">'
            f"<h3>{html.escape(panel['title'])}</h3>{inner}</div>"
        )
    clock = datetime.fromtimestamp(end, UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = html.escape(dashboard["title"])
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin:0; background:#111217; color:#ccccdc; font:13px Inter, Helvetica, Arial, sans-serif; }}
header {{ position:absolute; left:8px; top:8px; right:8px; height:40px; display:flex; align-items:center; gap:16px; }}
header b {{ font-size:18px; color:#fff; }} header span {{ background:#22252b; padding:6px 10px; border-radius:2px; }}
.panel {{ position:absolute; background:#181b1f; border:1px solid #2c3235; border-radius:2px; overflow:hidden; }}
h3 {{ margin:0; padding:6px 8px; font-size:13px; color:#fff; font-weight:500; }}
.stat {{ position:absolute; top:30px; left:6px; right:6px; bottom:6px; display:flex; align-items:center;
  justify-content:center; font-size:40px; color:#fff; font-weight:500; }}
table {{ width:calc(100% - 16px); margin:0 8px; border-collapse:collapse; }}
th, td {{ text-align:left; padding:5px 8px; border-bottom:1px solid #2c3235; }} th {{ color:#6e9fff; font-weight:500; }}
svg text {{ fill:#9fa7b3; font-size:11px; }} .legend {{ padding:0 8px; font-size:12px; }}
.legend span {{ margin-right:14px; white-space:nowrap; }}
.legend i {{ display:inline-block; width:14px; height:4px; margin-right:5px; vertical-align:middle; }}
</style></head><body><header><b>{title}</b><span>Prometheus</span><span>Station: All</span>
<span>last {(end - start) / 60:.0f} minutes · {clock}</span></header>{"".join(parts)}
<div style="position:absolute;top:{height + 64}px;height:8px;width:1px"></div></body></html>"""


async def photograph(text: str, folder: Path) -> None:
    target = folder / "dashboard.html"
    target.write_text(text, encoding="utf-8")
    async with launch() as browser:
        tab = await browser.new_page(viewport={"width": WIDTH + 16, "height": 900})
        await tab.goto(target.as_uri())
        await tab.screenshot(path=str(OUT), full_page=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=3.0, help="how long Prometheus records (default 3)")
    args = parser.parse_args()
    now = datetime.now(UTC)
    names = ["kxyz-fm", "wxyz-am", "kabc-fm", "kdef-fm"]
    procs: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            for name in names:
                port = free_port()
                procs[name] = (start("stubs.libretime", port, "--api-key", KEY, "--fixture", "empty"), port)
                body = _station(now, broken=name == "wxyz-am", played=name != "kdef-fm")
                Client(port).json("POST", "/__stub__/seed", body, expect=201)
            stations = folder / "stations.yaml"
            stations.write_text(
                "stations:\n"
                + "".join(
                    f"  - {{name: {n}, libretime_url: 'http://127.0.0.1:{p}', libretime_api_key_env: KEY,"
                    " timezone: UTC}\n"
                    for n, (_, p) in procs.items()
                )
            )
            textfile = folder / "metrics" / "metrics"
            textfile.parent.mkdir()
            serve_port = free_port()
            web = subprocess.Popen(  # noqa: S603 - the standard library's file server
                [sys.executable, "-m", "http.server", str(serve_port), "--bind", "127.0.0.1"],
                cwd=textfile.parent,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            prom = Prometheus(folder, serve_port)
            began = time.time()
            runs = 0
            command = [sys.executable, "-m", "harness.cli", "check", "--stations", str(stations), "--from", "tomorrow"]
            command += ["--format", "prometheus", "--output", str(textfile), "--no-report"]
            env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "KEY": KEY}
            while time.time() - began < args.minutes * 60:
                subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)  # noqa: S603
                runs += 1
                if runs == 6:  # kabc-fm goes down: unreadable, its last success carried over
                    procs["kabc-fm"][0].terminate()
                time.sleep(5)
            end = time.time()
            time.sleep(6)  # the last scrape
            dashboard = json.loads(DASHBOARD.read_text())
            asyncio.run(photograph(page(dashboard, prom, began, end), folder))
            prom.stop()
            web.terminate()
            print(f"{OUT}: {runs} checks of {len(names)} stations over {(end - began) / 60:.1f} min")
        finally:
            for proc, _ in procs.values():
                proc.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
