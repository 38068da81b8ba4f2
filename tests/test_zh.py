"""The Chinese edition (中文版): configs, catalogs, package text, notebooks, built pages.

Catalog completeness is strict on purpose: an English edit that is not translated
(untranslated or fuzzy entry) fails here, so the two editions cannot drift apart.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import polib
import pytest
import yaml

from zh_support import LOCALES, MESSAGES, ROOT, build_chinese, complete_catalogs

sys.path.insert(0, str(ROOT / "tools"))
import zh_edition  # noqa: E402

from lossbook import i18n, translate  # noqa: E402

CATALOGS = sorted(str(p.relative_to(MESSAGES)) for p in MESSAGES.rglob("*.po"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ZH_JSON = ROOT / "src" / "lossbook" / "locale" / "zh_CN.json"


def toc_docnames() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


# --- configs -------------------------------------------------------------------
def test_both_configs_agree_on_the_locale_settings():
    english = zh_edition.english_config()
    zh_edition.check_language_settings(english)           # raises when they are off
    chinese = zh_edition.chinese_config(english)
    en, zh = english["sphinx"]["config"], chinese["sphinx"]["config"]
    assert (en["language"], zh["language"]) == ("en", "zh_CN")
    for key in ("locale_dirs", "gettext_compact"):
        assert en[key] == zh[key], key
    # Everything else is inherited, not copied by hand.
    own = ("language", "html_search_options")
    assert {k: v for k, v in en.items() if k not in own} == \
           {k: v for k, v in zh.items() if k not in own}
    assert chinese["execute"] == english["execute"]
    assert chinese["title"] == i18n.translate(english["title"], "zh_CN") != english["title"]


# --- catalogs ------------------------------------------------------------------
def test_there_is_a_catalog_for_every_page():
    for docname in toc_docnames():
        assert (MESSAGES / f"{docname}.po").is_file(), f"{docname}: run `make catalogs`"


def test_catalogs_hold_every_current_english_message(tmp_path):
    """Extract the English text now; every message must be in its .po (`make catalogs`)."""
    config = zh_edition.write_yaml(tmp_path / "_config.yml",
                                   zh_edition.gettext_config(zh_edition.english_config()), "test")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "--builder", "custom",
         "--custom-builder", "gettext", "--config", str(config), "--path-output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pot_dir = tmp_path / "_build" / "gettext"
    stale = []
    for pot in sorted(pot_dir.rglob("*.pot")):
        name = pot.relative_to(pot_dir).with_suffix(".po")
        po = polib.pofile(str(MESSAGES / name)) if (MESSAGES / name).is_file() else []
        have = {e.msgid for e in po if not e.obsolete}
        stale += [f"{name}: {e.msgid[:70]!r}" for e in polib.pofile(str(pot)) if e.msgid not in have]
    assert not stale, "English text changed: run `make catalogs`, then translate:\n" + "\n".join(stale)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_catalog_is_complete(catalog):
    """No untranslated, fuzzy (English changed) or obsolete entry: see TRANSLATING.md."""
    po = polib.pofile(str(MESSAGES / catalog))
    untranslated = [e.msgid[:70] for e in po.untranslated_entries()]
    fuzzy = [e.msgid[:70] for e in po.fuzzy_entries()]
    obsolete = [e.msgid[:70] for e in po.obsolete_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (English changed; re-check and drop the flag): {fuzzy[:5]}"
    assert not obsolete, f"{len(obsolete)} obsolete (delete them): {obsolete[:5]}"


CODE = re.compile(r"``.+?``|`[^`]+`")  # ``code with `backticks` inside`` or `code`
MATH = re.compile(r"\$[^$]+\$")
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
LINK = re.compile(r"\]\(([^)]+)\)")


def role_targets(text: str) -> list[str]:
    """``{term}`损失 <loss>``` and ``{term}`loss``` both point at "loss"."""
    out = []
    for role, body in ROLE.findall(text):
        target = re.search(r"<([^>]+)>\s*$", body)
        out.append(f"{role}:{(target.group(1) if target else body).strip().lower()}")
    return sorted(out)


def words_out_of_math(math: str) -> str:
    """Math with its \\text{...} words taken out: the words are translated, the rest not."""
    return re.sub(r"\\text\{[^{}]*\}", r"\\text{}", math)


NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)*")  # 0.693, 1.1, 88, 2026 (not inside words)
DIMENSIONS = re.compile(r"\b\d-D\b")  # "2-D" is 二维 in Chinese


@pytest.mark.parametrize("catalog", CATALOGS)
def test_translations_keep_markup_math_code_and_links(catalog):
    problems = []
    for e in polib.pofile(str(MESSAGES / catalog)):
        if not e.msgstr or e.obsolete:
            continue
        plain_en = ROLE.sub("", e.msgid)
        plain_zh = ROLE.sub("", e.msgstr)
        for what, pattern in (("code", CODE), ("math", MATH), ("link", LINK)):
            found = [set(map(words_out_of_math, pattern.findall(text))) for text in (plain_en, plain_zh)]
            if found[0] != found[1]:
                problems.append(f"{what} differs in {e.msgid[:60]!r}")
        if role_targets(e.msgid) != role_targets(e.msgstr):
            problems.append(f"roles/targets differ in {e.msgid[:60]!r}")
        lost = set(NUMBER.findall(DIMENSIONS.sub("", plain_en))) - set(NUMBER.findall(plain_zh))
        if lost:  # "Exercise 1.1" must not become 练习 1.2, "8 minutes" not 5 分钟
            problems.append(f"numbers {sorted(lost)} missing in the translation of {e.msgid[:60]!r}")
        if re.match(r"\d+\.\s", e.msgstr):  # MyST would read a numbered list, not this text
            problems.append(f"starts like a numbered list (write '1\\\\. …'): {e.msgstr[:40]!r}")
    assert not problems, "\n".join(problems)


# --- one term, one rendering (TRANSLATING.md's terminology table) ---------------------
def checked_terms() -> list[tuple[str, str, list[str]]]:
    """The table's rows with renderings not to use: (English term, its Chinese, others)."""
    text = (ROOT / "TRANSLATING.md").read_text(encoding="utf-8")
    table = text.split("## Terminology", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and not set(cells[2]) <= set("-") and cells[0] != "English":
            english, chinese = cells[0].split(" (")[0], cells[1].split("（")[0]
            rows.append((english, chinese, [v.strip() for v in cells[2].split("、")]))
    return rows


def translations() -> list[tuple[str, str, str]]:
    """Every translated text: (where, English, Chinese), catalogs and zh_CN.json."""
    found = [(f"{catalog}", e.msgid, e.msgstr) for catalog in CATALOGS
             for e in polib.pofile(str(MESSAGES / catalog)) if e.msgstr and not e.obsolete]
    found += [("zh_CN.json", k, v) for k, v in json.loads(ZH_JSON.read_text(encoding="utf-8")).items()]
    return found


def has_term(english: str, term: str) -> bool:
    """``term`` as words of ``english``, outside code, math, roles and link targets."""
    prose = re.sub(r"\{\w+\}`[^`]*`|`[^`]*`|\$[^$]*\$|\]\([^)]*\)", " ", english)
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", prose, re.I) is not None


def test_terms_are_rendered_one_way():
    """Where the English has a term of the table, the Chinese has none of the renderings
    the table lists under 不用 (never)."""
    rows = checked_terms()
    assert {r[0] for r in rows} >= {"surprise", "For the curious", "epoch", "Predict:", "margin"}
    assert not any(other in rendering for _, rendering, others in rows for other in others), rows
    problems = []
    for where, english, chinese in translations():
        for term, rendering, others in rows:
            if has_term(english, term):
                problems += [f"{where}: {term!r} is {other!r}, not {rendering!r}, in {chinese[:50]!r}"
                             for other in others if other in chinese]
    assert not problems, "TRANSLATING.md, Terminology:\n" + "\n".join(problems)


def test_an_exercise_has_one_chinese_title():
    """Its heading in the chapter and its line in the teachers page's table."""
    from lossbook.exercises import all_exercises

    chapters = {e.msgid: e.msgstr for catalog in CATALOGS if catalog.startswith("notebooks/")
                for e in polib.pofile(str(MESSAGES / catalog))}
    teachers = {e.msgid: e.msgstr for e in polib.pofile(str(MESSAGES / "book" / "teachers.po"))}
    differ = []
    for _, exercise in all_exercises():
        number = exercise.name.replace("ch", "").replace(".q", ".")
        heading = chapters.get(f"Exercise {number}: {exercise.title}", "")
        line = teachers.get(f"{number} {exercise.title}", "")
        assert heading.startswith(f"练习 {number}：") and line.startswith(f"{number} "), \
            (number, heading, line)
        if heading[len(f"练习 {number}："):] != line[len(f"{number} "):]:
            differ.append(f"{number}: {heading!r} / {line!r}")
    assert not differ, "the chapter and the teachers page title an exercise differently:\n" + \
        "\n".join(differ)


# --- package text (src/lossbook/locale/zh_CN.json) -------------------------------
def test_every_package_string_has_a_chinese_entry():
    missing = translate.missing_package_strings("zh_CN", ROOT / "notebooks")
    assert not missing, "add these to src/lossbook/locale/zh_CN.json:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in missing.items())


def test_chinese_entries_keep_their_placeholders():
    catalog = json.loads(ZH_JSON.read_text(encoding="utf-8"))
    field = re.compile(r"\{[^{}]*\}")
    bad = [k for k, v in catalog.items() if sorted(field.findall(k)) != sorted(field.findall(v))]
    assert not bad, f"placeholders like {{loss:.3f}} must stay as they are: {bad}"


def test_t_literals_are_collected_from_code():
    source = 'from lossbook.i18n import t\nax.set_title(t("loss {x}").format(x=1))\ni18n.t("a")\nf(1)'
    assert translate.t_literals(source) == ["loss {x}", "a"] or \
        sorted(translate.t_literals(source)) == ["a", "loss {x}"]


def test_t_follows_the_language(monkeypatch):
    monkeypatch.delenv("LOSSBOOK_LANG", raising=False)
    try:
        assert i18n.t("confidence p") == "confidence p"
        i18n.set_language("zh_CN")
        assert i18n.t("confidence p") == "置信度 p"
        assert i18n.t("text nobody translated") == "text nobody translated"
        with pytest.raises(ValueError, match="zh_CN"):
            i18n.set_language("fr")
    finally:
        i18n.set_language(None)
        import matplotlib
        matplotlib.rcParams.update(matplotlib.rcParamsDefault)


def test_chinese_figure_text_draws_without_missing_glyphs(caplog):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert i18n.cjk_font() is not None, "no CJK font: apt-get install fonts-noto-cjk (make does)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")              # "Glyph ... missing from font(s)"
            i18n.use_fonts_for("zh_CN")
            fig, ax = plt.subplots()
            ax.set_title("分类交叉熵 −log(p) = 0.51，置信度")
            ax.set_xlabel("批次 batch")
            ax.set_ylabel(r"损失，$-\log(\hat{y}_k)$")  # words and math: mathtext, one font
            fig.canvas.draw()
            plt.close(fig)
    finally:
        matplotlib.rcParams.update(matplotlib.rcParamsDefault)
    missing = [r.getMessage() for r in caplog.records if "glyph" in r.getMessage()]
    assert not missing, missing  # mathtext logs "Font ... does not have a glyph", no warning


def test_without_a_cjk_font_one_warning_says_what_to_install(monkeypatch):
    import matplotlib

    monkeypatch.setattr(i18n, "cjk_font", lambda: None)
    before = list(matplotlib.rcParams["font.family"])
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        i18n.use_fonts_for("zh_CN")
    assert matplotlib.rcParams["font.family"] == before


# --- Chinese notebooks -----------------------------------------------------------
def test_markdown_blocks_map_to_messages():
    source = ("# 1. Title\n\nA *para*\non two lines with `code` and $x$.\n\n"
              "- item one\n  continued\n- item two\n\n1. first\n\n> quoted\n\n"
              "| a | b |\n|---|---|\n| one | two |\n\n$$\nx^2\n$$\n\n"
              "```{note}\nInside a note.\n```\n\n```python\nprint('code stays')\n```\n\n"
              ":::{admonition} Notice\n:class: tip\nThe *loss* grows.\n:::\n\n"
              "term\n: its definition\n\n![A plot](plot.png)")
    catalog = {"1. Title": "1\\. 标题", "A *para* on two lines with `code` and $x$.": "一段 *文字* `code` $x$。",
               "item one continued": "第一项", "item two": "第二项", "first": "第一", "quoted": "引文",
               "a": "甲", "b": "乙", "one": "一", "two": "二", "x^2": "x^2", "Inside a note.": "注释里。",
               "Notice": "注意", "The *loss* grows.": "*损失*变大。", "term": "术语",
               "its definition": "它的定义", "![A plot](plot.png)": "![一张图](plot.png)",
               "A plot": "一张图"}
    used, missing = set(), []
    out = translate.translate_markdown(source, catalog, used, missing)
    assert missing == [] and used == set(catalog)
    for expected in ("# 1\\. 标题", "一段 *文字* `code` $x$。", "- 第一项\n- 第二项", "1. 第一",
                     "> 引文", "| 甲 | 乙 |", "| 一 | 二 |", "$$\nx^2\n$$", "```{note}\n注释里。\n```",
                     "print('code stays')", ":::{admonition} 注意\n:class: tip\n*损失*变大。\n:::",
                     "术语\n: 它的定义", "![一张图](plot.png)"):
        assert expected in out, (expected, out)
    assert "continued" not in out
    with pytest.raises(translate.MissingTranslation, match="item two"):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("- item two")])
        translate.translate_notebook(nb, {}, "zh_CN")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_catalog_message_maps_back_to_the_notebook(notebook):
    """The notebook's markdown, split as Sphinx splits it, gives exactly its catalog's
    messages (checked with the English text, so it holds before translation too)."""
    po = polib.pofile(str(MESSAGES / "notebooks" / f"{notebook.stem}.po"))
    identity = {e.msgid: e.msgid for e in po if not e.obsolete}
    used, missing = set(), []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            translate.translate_markdown(cell.source, identity, used, missing)
    assert missing == [], f"blocks not in the catalog (run `make catalogs`): {missing[:5]}"
    assert set(identity) - used == set(), "messages the notebook translation cannot place"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chinese_notebook_is_written(notebook, tmp_path):
    out = translate.write_notebook(notebook, tmp_path / notebook.name, LOCALES, "zh_CN")
    zh = nbformat.read(out, as_version=4)
    en = nbformat.read(notebook, as_version=4)
    nbformat.validate(zh)
    assert zh.cells[0].id == translate.LANGUAGE_CELL_ID and 'set_language("zh_CN")' in zh.cells[0].source
    assert zh.metadata["lossbook"]["language"] == "zh_CN"
    assert [c.source for c in zh.cells[1:] if c.cell_type == "code"] == \
           [c.source for c in en.cells if c.cell_type == "code"], "code cells must not change"
    markdown = "\n".join(c.source for c in zh.cells if c.cell_type == "markdown")
    assert len(re.findall(r"[\u4e00-\u9fff]", markdown)) > 200


def test_chinese_student_edition(tmp_path):
    """`make student-zh`: Chinese notebooks, then the student edition of them."""
    zh, student = tmp_path / "zh", tmp_path / "student"
    ch1 = NOTEBOOKS[0]
    translate.write_notebook(ch1, zh / ch1.name, LOCALES, "zh_CN")
    from lossbook.student import write_student_edition

    written = write_student_edition(zh, student)
    nb = nbformat.read(written[0], as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "为什么要用损失" in text and "BEGIN SOLUTION" not in text


def test_check_answers_in_chinese_in_the_chinese_notebook(tmp_path):
    """Run the Chinese chapter 1 with the student's answers in: check() speaks Chinese.

    Needs the integrator's hooks in lossbook.exercises (TRANSLATING.md, "Hooks").
    """
    from nbclient import NotebookClient

    out = translate.write_notebook(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name, LOCALES, "zh_CN")
    nb = nbformat.read(out, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = [c for c in nb.cells if c.get("id", "").endswith("-check")]
    assert checks
    for cell in checks:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert printed.startswith("正确"), f"{cell.id}: {printed!r}"


# --- the built Chinese book ---------------------------------------------------------
@pytest.fixture(scope="module")
def zh_html():
    return build_chinese()


def test_chinese_book_has_every_page_at_the_same_path(built_book, zh_html):
    for docname in toc_docnames():
        assert (built_book / f"{docname}.html").is_file()
        assert (zh_html / f"{docname}.html").is_file(), docname
    assert 'lang="zh-CN"' in (zh_html / "notebooks" / "01_why_a_loss.html").read_text(encoding="utf-8")


def test_chinese_pages_are_chinese(zh_html):
    """Every page with a complete catalog reads Chinese: title, headings, captions."""
    done = complete_catalogs()
    assert "notebooks/01_why_a_loss" in done and "book/intro" in done
    for docname in sorted(done & set(toc_docnames())):
        page = (zh_html / f"{docname}.html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1>(.*?)<", page).group(1)
        assert re.search(r"[\u4e00-\u9fff]", h1), f"{docname}: English title {h1!r}"
        assert 'caption-text">章节<' in page, f"{docname}: chapter list caption not Chinese"


def test_theme_words_are_chinese_and_english_pages_stay_english(built_book, zh_html):
    """Solution toggles (notebook metadata) and the search placeholder (hard-coded by
    Jupyter Book) are translated in the Chinese edition only."""
    for page in zh_html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'admonition-title">Show the solution' not in text, page
        assert "Search this book" not in text, page
    zh = (zh_html / "notebooks" / "01_why_a_loss.html").read_text(encoding="utf-8")
    assert "显示答案" in zh and 'placeholder="搜索本书…"' in zh
    en = (built_book / "notebooks" / "01_why_a_loss.html").read_text(encoding="utf-8")
    assert "Show the solution" in en and 'placeholder="Search this book..."' in en


def test_switcher_links_lead_to_the_same_page(built_book, zh_html):
    href = re.compile(r'<a class="btn btn-sm lossbook-language" href="([^"]+)"')
    for docname in toc_docnames() + ["search", "genindex"]:
        for html, other in ((built_book, zh_html), (zh_html, built_book)):
            page = html / f"{docname}.html"
            link = href.search(page.read_text(encoding="utf-8"))
            assert link, f"{page}: no language switcher"
            target = (page.parent / link.group(1)).resolve()
            assert target == (other / f"{docname}.html").resolve(), (page, link.group(1))


def test_chinese_download_gives_the_chinese_notebook(zh_html):
    for docname in sorted(complete_catalogs()):
        if not docname.startswith("notebooks/"):
            continue
        nb = nbformat.read(zh_html / "_sources" / f"{docname}.ipynb", as_version=4)
        assert nb.metadata["lossbook"]["language"] == "zh_CN", docname
        page = (zh_html / f"{docname}.html").read_text(encoding="utf-8")
        assert f"_sources/{docname}.ipynb" in page


def test_chinese_pages_show_no_missing_glyph_warnings(zh_html):
    for page in zh_html.rglob("*.html"):
        assert "missing from font" not in page.read_text(encoding="utf-8"), page


def test_chinese_search_index_uses_word_splitting(zh_html):
    """jieba installed: Sphinx's Chinese search indexes words such as 交叉熵."""
    import jieba  # noqa: F401  (requirements.txt)

    index = (zh_html / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"]
    for word in ("交叉熵", "独热", "置信度"):
        assert word in terms, word
