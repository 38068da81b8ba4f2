"""The Chinese edition's own Sphinx extension (added by tools/zh_edition.py to the
generated Chinese config only).

- The solution toggles' words ("Show the solution") live in the notebooks' cell
  metadata, where gettext cannot see them: they go through ``lossbook.i18n.t``.
- Chapter-list captions ("Chapters") are added by sphinx-external-toc after Sphinx
  has translated the page, so they are translated here from the root page's catalog.
- ``<html lang>``: Sphinx writes ``zh_CN``; browsers and screen readers expect the
  BCP 47 tag ``zh-CN``.
- "Search this book..." is hard-coded by Jupyter Book as a theme option: its
  translation comes from ``locales/zh_CN/LC_MESSAGES/sphinx.po``.
"""
from __future__ import annotations

from pathlib import Path

from myst_nb.sphinx_ import HideCodeCellNode


def translate_toggles(app, doctree, docname) -> None:
    """After myst-nb's post-transform has made the toggles (doctree-resolved)."""
    from lossbook.i18n import translate

    for node in doctree.findall(HideCodeCellNode):
        for key in ("prompt_show", "prompt_hide"):
            if node.get(key):
                node[key] = translate(node[key], app.config.language)


def translate_captions(app, doctree) -> None:
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [n for n in doctree.findall(addnodes.toctree) if n.get("caption")]
    if not toctrees:
        return
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalog, found = init_locale(dirs, app.config.language, domain)
    if found:
        for node in toctrees:
            node["caption"] = catalog.gettext(node["caption"])


def page_context(app, pagename, templatename, context, doctree) -> None:
    """BCP 47 ``<html lang>`` and the search placeholder Jupyter Book hard-codes in the
    theme options (the theme's search dialog includes the stock search field)."""
    from sphinx.locale import _

    context["language"] = str(app.config.language).replace("_", "-")
    context["theme_search_bar_text"] = str(_("Search this book..."))


def setup(app):
    app.connect("doctree-resolved", translate_toggles)
    app.connect("doctree-read", translate_captions)
    app.connect("html-page-context", page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
