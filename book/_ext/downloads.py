"""What a reader downloads from a chapter page: the learner notebook.

A local Sphinx extension (``_config.yml``, ``sphinx.local_extensions``). After an HTML
build, for every notebook page of the book it writes two notebooks into the site:

- ``_teacher/<page>.ipynb``, the **teacher notebook**: the chapter as it is, every
  answer under its question, the autograder test cells included;
- ``_sources/<page>.ipynb``, the **learner notebook**, where the page's download button
  points (Sphinx first copies the chapter itself there): the learner edition of
  ``lossbook.student`` (each solution a stub, every check kept, no autograder test
  cells), the same the in-browser site opens.

Both are in the edition's language: the Chinese build writes them from the Chinese
notebooks (``lossbook.translate``, from the same catalogs as the pages). A chapter whose
catalog is incomplete keeps its English notebooks, and the build says NOT TRANSLATED
(``make check-zh`` and the tests fail on it).

The role ``{teacher}`notebooks/03_a_batch``` links a page to that chapter's teacher
notebook (the teachers page lists them all); a name that is not a notebook page of the
book is a build error.
"""
from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

TEACHER = "_teacher"   # the teacher notebooks, under the site's root
LEARNER = "_sources"   # where the theme's download button points


def notebook_pages(env) -> list[str]:
    """The docnames of the book's notebook pages ("notebooks/03_a_batch")."""
    return [d for d in sorted(env.found_docs) if Path(env.doc2path(d)).suffix == ".ipynb"]


def write_teacher_notebook(app, docname: str, out: Path) -> None:
    """The chapter as it is, translated into the edition's language when it has one."""
    from lossbook import translate

    source = Path(app.env.doc2path(docname))
    out.parent.mkdir(parents=True, exist_ok=True)
    language = app.config.language or "en"
    if language != "en":
        locales = Path(app.srcdir, app.config.locale_dirs[0])
        try:
            translate.write_notebook(source, out, locales, language)
            return
        except ValueError as error:   # an incomplete catalog: `make check-zh` fails on it
            logger.info(f"NOT TRANSLATED (its notebooks stay English): {str(error).splitlines()[0]}")
    shutil.copyfile(source, out)


def write_notebooks(app, exception) -> None:
    """After an HTML build: each notebook page's teacher and learner notebooks."""
    if exception or app.builder.format != "html":
        return
    from lossbook.student import write_learner_edition

    outdir = Path(app.outdir)
    pages = notebook_pages(app.env)
    for folder in sorted({posixpath.dirname(d) for d in pages}):
        teacher = outdir / TEACHER / folder
        shutil.rmtree(teacher, ignore_errors=True)   # ours alone: no notebook of an old build stays
        for docname in pages:
            if posixpath.dirname(docname) == folder:
                write_teacher_notebook(app, docname, teacher / f"{posixpath.basename(docname)}.ipynb")
        write_learner_edition(teacher, outdir / LEARNER / folder)


class TeacherNotebook(SphinxRole):
    """``{teacher}`notebooks/03_a_batch```: a link to that chapter's teacher notebook."""

    def run(self):
        docname = self.text.strip()
        if docname not in notebook_pages(self.env):
            message = self.inliner.reporter.error(
                f"{{teacher}}`{docname}`: not a notebook page of the book; give its docname, "
                "like notebooks/03_a_batch.", line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        target = f"{TEACHER}/{docname}.ipynb"
        uri = posixpath.relpath(target, posixpath.dirname(self.env.docname) or ".")
        name = posixpath.basename(docname) + ".ipynb"
        return [nodes.reference(self.rawtext, "", nodes.literal(name, name), refuri=uri)], []


def setup(app):
    app.add_role("teacher", TeacherNotebook())
    app.connect("build-finished", write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
