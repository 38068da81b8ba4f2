"""The "Run in the browser" button, and launch buttons that lead somewhere.

A local Sphinx extension (``_config.yml``, ``sphinx.local_extensions``):

- Every chapter page gets a "Run in the browser" link to the same chapter in the
  book's own JupyterLite site (``lite/`` beside the page's edition, built by
  ``tools/lite.py``). It is a plain link: nothing loads until a reader follows it.
  ``book/_static/lite-button.js`` makes it say, on a page opened from disk
  (file://), that the in-browser Python needs the book served (``make serve``).
  ``LOSSBOOK_LITE=0`` (no in-browser edition) leaves the button out.
- The repository URL lives in one place, ``_config.yml``'s ``repository.url``
  (``tools/repository.py`` sets it). With no URL, the pages show no repository,
  Binder or Colab button, instead of buttons that lead nowhere.
"""
from __future__ import annotations

import os
from pathlib import PurePosixPath

LITE_APP = "lite/notebooks/index.html"   # the notebook app of the JupyterLite site


def lite_enabled() -> bool:
    return os.environ.get("LOSSBOOK_LITE", "1") != "0"


def without_dead_buttons(app, config) -> None:
    """A repository URL: its button. None: no repository, Binder or Colab button.

    (Jupyter Book refuses ``use_repository_button: true`` without a URL, so
    ``_config.yml`` leaves it false and the URL alone decides here.)
    """
    options = dict(config.html_theme_options or {})
    if (options.get("repository_url") or "").strip():
        options["use_repository_button"] = True
        config.html_theme_options = options
        return
    options["use_repository_button"] = False
    options["use_issues_button"] = False
    options["use_edit_page_button"] = False
    launch = dict(options.get("launch_buttons") or {})
    for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url"):
        launch[key] = ""
    options["launch_buttons"] = launch
    config.html_theme_options = options


def lite_url(pagename: str) -> str:
    """The chapter in this edition's JupyterLite site, relative to the page.

    >>> lite_url("notebooks/03_a_batch")
    '../lite/notebooks/index.html?path=03_a_batch.ipynb'
    """
    page = PurePosixPath(pagename)
    up = "../" * (len(page.parts) - 1)
    return f"{up}{LITE_APP}?path={page.name}.ipynb"


def add_run_button(app, pagename, templatename, context, doctree) -> None:
    """``lossbook_lite_url`` for the header template, on chapter pages only."""
    if lite_enabled() and pagename.startswith("notebooks/"):
        context["lossbook_lite_url"] = lite_url(pagename)


def setup(app):
    app.connect("config-inited", without_dead_buttons)
    app.connect("html-page-context", add_run_button)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
