"""The report's document model: blocks (headings, paragraphs, lists, tables, pictures) that render
to Markdown and to one self-contained HTML page, so both files always say the same thing."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html import escape

TITLE = "LibreTime Push Functionality Verification"


@dataclass
class Block:
    kind: str  # h1 h2 h3 h4 p list table svg img
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    # An img block: the PNG itself (embedded in the HTML page), written beside the Markdown file
    # at ``items[0]``, with ``text`` as its caption.
    image: bytes | None = None


def markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "h4"):
            out.append("#" * int(b.kind[1]) + " " + b.text)
        elif b.kind == "p":
            out.append(b.text)
        elif b.kind == "list":
            out.append("\n".join(f"- {item}" for item in b.items))
        elif b.kind == "table":
            lines = ["| " + " | ".join(b.header) + " |", "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        elif b.kind == "svg":
            out.append("*(chart in the HTML report)*")
        elif b.kind == "img":
            out.append(f"![{b.text}]({b.items[0]})")
    return "\n\n".join(out) + "\n"


_MARKS = {
    "✅": '<span class="mark ok" title="passed">✔</span>',
    "❌": '<span class="mark ko" title="failed">✘</span>',
    "⏭️": '<span class="mark skip" title="skipped">–</span>',
    "⏳": '<span class="mark skip" title="left to a person">…</span>',
}


def _inline(text: str) -> str:
    """Markdown's **bold** and `code` in HTML, and status marks any font can draw (not emoji)."""
    text = escape(text)
    for emoji, mark in _MARKS.items():
        text = text.replace(emoji, mark)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


CSS = """
body{font:14px/1.5 system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:26px;border-bottom:2px solid #3b6fd4}h2{margin-top:28px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:16px 0 4px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f2f5fb}
code{background:#f4f4f4;padding:0 3px}li{margin:2px 0}ul{margin:4px 0 8px}
figure img{max-width:100%;border:1px solid #ccc}figcaption{font-size:12px;color:#555}
.mark{font-weight:bold;display:inline-block;width:1.1em}.ok{color:#2e9d5b}.ko{color:#d24c3f}.skip{color:#888}
"""


def html(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "h4"):
            anchor = escape(b.text.lower().replace(" ", "-"))[:60]
            out.append(f'<{b.kind} id="{anchor}">{_inline(b.text)}</{b.kind}>')
        elif b.kind == "p":
            out.append(f"<p>{_inline(b.text)}</p>")
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{_inline(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            out.append(f"<table><tr>{head}</tr>{rows}</table>")
        elif b.kind == "svg":
            out.append(f"<figure>{b.text}</figure>")
        elif b.kind == "img" and b.image is not None:
            data = base64.b64encode(b.image).decode()
            out.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(b.text)}">'
                f"<figcaption>{_inline(b.text)}</figcaption></figure>"
            )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE}</title>"
        f"<style>{CSS}</style></head><body>" + "\n".join(out) + "</body></html>\n"
    )
