"""Make the built book work offline and stay light.

A local Sphinx extension (listed in ``_config.yml`` under ``sphinx.local_extensions``):

- copies MathJax 3 from ``node_modules/mathjax/es5`` (installed by ``npm ci``) into
  ``_static/_vendor/mathjax`` so math is typeset without a CDN; the build stops with
  a clear message when ``node_modules`` is missing;
- drops sphinx-thebe's scripts (the book has no thebe button; they declared
  ``THEBE_JS_URL`` twice, a console error) and any script listed twice;
- gives the templates a ``without_fontawesome`` filter: ``book/_templates/layout.html``
  uses it to drop the theme's 1.5 MB SVG-in-JS icon bundle. The theme's CSS already
  draws the same icons with FontAwesome's webfonts, served from the book;
- renders myst-nb's "show code cell" toggles without the ``aria-label`` that
  contradicted their visible text (axe: label-content-name-mismatch).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from markupsafe import escape
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_DIR = Path("node_modules", "mathjax", "es5")
VENDOR_DIR = Path("_static", "_vendor", "mathjax")
# Files MathJax never loads in a browser with the tex-chtml component.
SKIP = ["node-main.js", "mml-*.js", "tex-mml-*.js", "tex-svg*.js", "svg", "svg.js"]

FONTAWESOME_JS = re.compile(r'\s*<script[^>]*_static/scripts/fontawesome\.js[^>]*></script>')


def mathjax_source(app) -> Path:
    """The es5 folder of the npm mathjax package, or a build error saying what to do."""
    source = Path(app.confdir, MATHJAX_DIR)
    if not (source / "tex-chtml.js").is_file():
        raise ExtensionError(
            f"MathJax not found at {source}. The book serves MathJax itself (no CDN): "
            "run `npm ci` in the repository root (or `make build`) and build again."
        )
    return source


def check_mathjax(app) -> None:
    if app.builder.format == "html":
        mathjax_source(app)


def copy_mathjax(app, exception) -> None:
    """Copy MathJax into the output, skipping files that are already there unchanged."""
    if exception or app.builder.format != "html":
        return
    source = mathjax_source(app)
    target = Path(app.outdir, VENDOR_DIR)
    ignore = shutil.ignore_patterns(*SKIP)

    def copy_if_changed(src, dst):
        d = Path(dst)
        s = Path(src).stat()
        if d.exists() and d.stat().st_size == s.st_size and d.stat().st_mtime >= s.st_mtime:
            return dst
        return shutil.copy2(src, dst)

    shutil.copytree(source, target, ignore=ignore, copy_function=copy_if_changed,
                    dirs_exist_ok=True)


def drop_unwanted_scripts(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts and duplicate script entries from every page."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    kept, seen = [], set()
    for script in scripts:
        name = str(script)
        body = getattr(script, "attributes", {}).get("body", "")
        if "sphinx-thebe" in name or "THEBE_JS_URL" in body:
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def add_template_filter(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["without_fontawesome"] = (
            lambda html: FONTAWESOME_JS.sub("", html)
        )


def visit_hide_cell_input(self, node) -> None:
    """myst-nb's toggle for hidden cells, named by its visible text."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def setup(app):
    app.add_node(HideCodeCellNode, override=True,
                 html=(visit_hide_cell_input, depart_HideCellInput))
    app.connect("builder-inited", check_mathjax)
    app.connect("builder-inited", add_template_filter)
    app.connect("html-page-context", drop_unwanted_scripts)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
