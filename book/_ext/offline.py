"""Make the built book work offline and stay light.

A local Sphinx extension (listed in ``_config.yml`` under ``sphinx.local_extensions``):

- copies MathJax 3 from ``node_modules/mathjax/es5`` (installed by ``npm ci``) into
  ``_static/_vendor/mathjax`` so math is typeset without a CDN; the build stops with
  a clear message when ``node_modules`` is missing;
- drops, from every page: sphinx-thebe's scripts and style (the book has no thebe
  button; they declared ``THEBE_JS_URL`` twice, a console error), any script listed
  twice, and the ipywidgets widget-state script (dead weight: the pages show the
  sliders' static players, never live widgets);
- gives the templates a ``without_fontawesome`` filter: ``book/_templates/layout.html``
  uses it to drop the theme's 1.5 MB SVG-in-JS icon bundle. The theme's CSS already
  draws the same icons with FontAwesome's webfonts, served from the book;
- subsets FontAwesome's webfonts (~270 KB per page) to the icons the pages and the
  theme's scripts name, written as ``_static/lossbook-fa/*.woff``; ``lossbook.css``
  declares them after the theme's faces, so the browser loads only the subsets;
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


FA_FONTS = {"fa-solid-900": "Font Awesome 6 Free", "fa-regular-400": "Font Awesome 6 Free",
            "fa-brands-400": "Font Awesome 6 Brands"}
FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]+)\s?"')
FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")


def icon_codepoints(outdir: Path) -> set[int]:
    """Code points of every FontAwesome icon named in the built pages or theme scripts."""
    static = outdir / "_static"
    texts = [p.read_text(encoding="utf-8") for p in outdir.rglob("*.html")
             if "_static" not in p.relative_to(outdir).parts]
    texts += [p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js")]
    used = {name for text in texts for name in FA_NAME.findall(text)}
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    points = set()
    for selectors, code in FA_RULE.findall(css):
        if used & set(re.findall(r"fa-[a-z0-9-]+", selectors)):
            points.add(int(code, 16))
    return points


def subset_fontawesome(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    from fontTools import subset  # a matplotlib dependency

    outdir = Path(app.outdir)
    fonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    target = outdir / "_static" / "lossbook-fa"
    target.mkdir(parents=True, exist_ok=True)
    made = [target / f"{name}.woff" for name in FA_FONTS]
    pages = [p.stat().st_mtime for p in outdir.rglob("*.html")]
    if all(f.exists() for f in made) and min(f.stat().st_mtime for f in made) > max(pages):
        return  # no page changed since the subsets were made
    points = icon_codepoints(outdir)
    if not points:
        raise ExtensionError("no FontAwesome icons found in the pages: check book/_ext/offline.py")
    options = subset.Options()
    options.flavor = "woff"          # woff2 would need brotli; woff uses zlib
    options.layout_features = []
    for name in FA_FONTS:
        font = subset.load_font(str(fonts / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points)
        subsetter.subset(font)
        subset.save_font(font, str(target / f"{name}.woff"), options)


def drop_unwanted_scripts(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts and style, duplicate script entries, and the
    ipywidgets state (dead weight: the book shows no live widgets), from every page."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    kept, seen = [], set()
    for script in scripts:
        name = str(script)
        body = getattr(script, "attributes", {}).get("body", "")
        kind = getattr(script, "attributes", {}).get("type", "")
        if "sphinx-thebe" in name or "THEBE_JS_URL" in body or "widget-state" in kind:
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [css for css in styles if "sphinx-thebe" not in str(css)]


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
    app.connect("html-page-context", drop_unwanted_scripts, priority=900)  # after myst-nb
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", subset_fontawesome)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
