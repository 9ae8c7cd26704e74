"""Reports over the analysis JSON: JSON itself, a static HTML report and a Markdown report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .html import render_html
from .markdown import render_markdown


def write_reports(document: dict[str, Any], folder: str | Path) -> tuple[Path, Path]:
    """Write `index.html` and `report.md` into `folder`; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    html_path, md_path = out / "index.html", out / "report.md"
    html_path.write_text(render_html(document), encoding="utf-8")
    md_path.write_text(render_markdown(document), encoding="utf-8")
    return html_path, md_path
