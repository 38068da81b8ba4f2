"""A lossbook course on a real JupyterHub, run as a class runs it (classroom/README.md).

JupyterHub 5 starts as root with classroom/jupyterhub_config.py (only ports and paths
overridden), on 127.0.0.1, with configurable-http-proxy from npm, PAM logins, and the
default LocalProcessSpawner: the Linux users ``teacher``, ``student1`` and ``student2``
(made here, private homes) each get their own server, as themselves. nbgrader's
exchange is a 1777 folder. Every step goes through the hub's REST API and each user's
own server, with nbgrader's formgrader and assignment-list endpoints (the ones the
JupyterLab panels call):

1. the teacher generates and releases an assignment of ``NOTEBOOKS`` (two chapters and
   the teacher-written exercise of classroom/example);
2. both students fetch it;
3. student1 writes the model answers (each solution cell's code from the teacher's
   source, matched by nbgrader grade_id, saved through the contents API) and submits;
   student2 submits the release untouched;
4. the teacher collects, autogrades, generates and releases feedback;
5. the students fetch their feedback.

Then: full marks for student1 and 0 for student2 in the gradebook, no ERROR in any of
nbgrader's logs, the feedback in each student's home, no solution and no hidden test in
the release, and student1 cannot read the teacher's source/ or gradebook, nor student2's
files: neither as a Linux login (runuser) nor from a kernel in their own server.

Needs root (it makes Linux users; CI runs as root): it fails, not skips, without it.
It stops every process it started, by pid, and removes its users and their homes, even
when it fails; a crashed earlier run's leftovers are removed first. It prints the time
each phase took.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import pwd
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

import hub_course
from hub_course import CLASSROOM, ROOT, as_user

NOTEBOOKS = [  # the assignment; one more line here and the whole flow grades it too
    ROOT / "notebooks" / "01_why_a_loss.ipynb",
    ROOT / "notebooks" / "03_a_batch.ipynb",
    ROOT / "classroom" / "example" / "focal_loss.ipynb",  # a teacher's own exercise
]
ASSIGNMENT = "ps1"
LOG = ROOT / "_build" / "test_hub.log"  # the last run's hub log (users' servers included)
STUDENTS = ("student1", "student2")
SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _course_id() -> str:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(CLASSROOM)).load_config()
    return config.CourseDirectory.course_id


COURSE = _course_id()


class Clock:
    """Seconds per phase, printed as a table at the end."""

    def __init__(self):
        self.phases, self.start = [], time.perf_counter()

    def phase(self, name: str):
        clock = self

        class _Phase:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                clock.phases.append((name, time.perf_counter() - self.t0))

        return _Phase()

    def report(self) -> str:
        lines = [f"  {name:<44} {seconds:6.1f} s" for name, seconds in self.phases]
        total = time.perf_counter() - self.start
        return "\n".join(["tests/test_hub.py, time per phase:", *lines,
                          f"  {'total':<44} {total:6.1f} s"])


# -- the course ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def machine(request):
    """Root's part (classroom/README.md, steps 1-2): venv, exchange, users, the hub.

    The finaliser stops every process by pid and removes the users, however the test ends.
    """
    if os.geteuid() != 0:
        pytest.fail("tests/test_hub.py must run as root: it creates the Linux users "
                    "teacher, student1 and student2 and starts JupyterHub, which switches "
                    "to them. CI runs as root; elsewhere run `sudo make test` (or sudo "
                    ".venv/bin/python -m pytest tests/test_hub.py).")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "runuser"):
        assert shutil.which(tool, path=hub_course.SYSTEM_PATH), \
            f"{tool} is missing (Debian's passwd and util-linux have it)"
    assert hub_course.SYSTEM_PYTHON.exists(), \
        "/usr/bin/python3 is missing: apt-get install python3-venv (make test does)"
    assert hub_course.PROXY.exists(), \
        f"{hub_course.PROXY} is missing: run `npm ci` (make setup does)"

    clock = Clock()
    with clock.phase("remove a crashed run's leftovers"):
        leftovers = hub_course.remove_leftovers()
    if leftovers:
        _say(request, f"removed a crashed run's leftovers: {', '.join(leftovers)}")
    run_dir = Path(tempfile.mkdtemp(prefix=hub_course.RUN_PREFIX, dir=hub_course.RUNS))
    run_dir.chmod(0o755)  # every user reaches the exchange inside it
    state = run_dir / "hub"  # the hub's database, cookie secret, log: root only
    state.mkdir(mode=0o700)
    exchange = run_dir / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    hub = None
    try:
        with clock.phase("course venv"):
            venv, made = hub_course.course_venv()
        clock.phases[-1] = (f"course venv ({'made' if made else 'reused'}: {venv.name})",
                            clock.phases[-1][1])
        with clock.phase("reinstall lossbook, nbgrader config"):
            hub_course.install_course(venv, run_dir, exchange)
        with clock.phase("users"):
            passwords = hub_course.add_users()
        with clock.phase("start the hub"):
            hub = hub_course.Hub.start(venv, state)
        yield {"hub": hub, "venv": venv, "exchange": exchange, "passwords": passwords,
               "clock": clock, "run_dir": run_dir}
    finally:
        stopped, problems = [], []
        with clock.phase("stop everything, remove users"):
            if hub is not None:
                hub.stop()
                LOG.parent.mkdir(exist_ok=True)
                shutil.copy(hub.log, LOG)  # kept for a look after a failure
            for step in (lambda: stopped.extend(hub_course.stop_processes(set(hub_course.USERS))),
                         hub_course.remove_users,
                         lambda: shutil.rmtree(run_dir)):
                try:
                    step()
                except Exception as error:  # go on cleaning; report it below
                    problems.append(error)
        _say(request, f"{clock.report()}\n(pids still running after the hub stopped, ended by "
                      f"the test: {stopped or 'none'}; the hub's log: {LOG})")
        if problems:
            raise RuntimeError(f"cleaning up failed: {problems}")


def _say(request, text: str) -> None:
    """Print past pytest's output capture, so that `make test` shows it too."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + text, flush=True)


def _home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


class Calls:
    """nbgrader's endpoints as the JupyterLab panels call them, each answer checked.

    ``formgrader(path)``: the teacher's Formgrader (``formgrader/api/...`` in the
    teacher's server); ``assignments(student, action)``: a student's Assignment List.
    Every answer must be HTTP 200 with nbgrader's ``success``; the logs that nbgrader's
    apps return are kept for ``test_nbgrader_logged_no_error``.
    """

    def __init__(self, hub):
        self.hub, self.logs = hub, []

    def formgrader(self, path: str, method: str = "POST") -> dict:
        return self._check(self.hub.server("teacher", f"formgrader/api/{path}", method), path)

    def assignments(self, student: str, action: str) -> dict:
        ids = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
        return self._check(self.hub.server(student, f"assignments/{action}", "POST", ids),
                           f"{student}: {action}")

    def listing(self, student: str) -> dict:
        return self._check(self.hub.server(student, f"assignments?course_id={COURSE}"),
                           f"{student}: list")

    def _check(self, reply, what: str) -> dict:
        assert reply.status == 200, f"{what}: HTTP {reply.status}\n{reply.body[:2000]!r}"
        result = reply.json()
        self.logs.append(f"--- {what}\n{result.get('log', '')}{result.get('error', '')}")
        assert result.get("success"), f"{what} failed:\n{json.dumps(result, indent=1)[:4000]}"
        return result


def _assignment(result: dict, status: str) -> dict:
    """The course's assignment in an assignment-list answer, in the list of ``status``
    (released or fetched, or submitted: the answer holds both lists)."""
    entries = [a for a in result["value"] if a["course_id"] == COURSE
               and a["assignment_id"] == ASSIGNMENT and a["status"] == status]
    assert len(entries) == 1, f"{ASSIGNMENT} {status}: {json.dumps(result['value'])[:3000]}"
    return entries[0]


def _cells_by_grade_id(notebook, key: str) -> dict:
    return {c.metadata.nbgrader["grade_id"]: c for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get(key)}


def _model_answer(source: str) -> str:
    """A source solution cell as a student would write it: the markers' lines left out."""
    return "\n".join(line for line in source.splitlines()
                     if not any(marker in line for marker in SOLUTION_MARKERS))


def _save(hub, user: str, path: str, notebook: dict) -> None:
    """Save a notebook into ``user``'s folder through their server's contents API."""
    saved = hub.server(user, f"api/contents/{path}", "PUT",
                       {"type": "notebook", "format": "json", "content": notebook})
    assert saved.status in (200, 201), f"{user} saving {path}: {saved.status} {saved.body!r}"


def write_the_model_answers(hub, student: str) -> None:
    """Open each fetched notebook in ``student``'s server, put the teacher's code in every
    solution cell (matched by grade_id, markers left out), and save it."""
    for path in NOTEBOOKS:
        answers = _cells_by_grade_id(nbformat.read(path, as_version=4), "solution")
        opened = hub.server(student, f"api/contents/{ASSIGNMENT}/{path.name}")
        assert opened.status == 200, f"{student} opening {path.name}: {opened.status}"
        notebook = opened.json()["content"]
        cells = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
        for cell in cells:
            cell["source"] = _model_answer(answers[cell["metadata"]["nbgrader"]["grade_id"]].source)
        assert len(cells) == len(answers) > 0, \
            f"{path.name}: {len(cells)} solution cells, {len(answers)} answers"
        _save(hub, student, f"{ASSIGNMENT}/{path.name}", notebook)


@pytest.fixture(scope="module")
def course(machine):
    """The whole flow, one step at a time, each step asserting its own result."""
    hub, clock = machine["hub"], machine["clock"]
    call = Calls(hub)
    course_root = _home("teacher") / COURSE

    with clock.phase("log in x3, start the students' servers"):
        with concurrent.futures.ThreadPoolExecutor(3) as pool:  # a class logs in at once
            list(pool.map(hub.login, *zip(*machine["passwords"].items())))
        hub.spawn(list(STUDENTS))  # they start while the teacher sets up

    with clock.phase("teacher: course folder, formgrader on"):
        # classroom/README.md, step 3: the teacher runs teacher-setup.sh from the venv
        # (before their server starts, which spares them its restart)
        script = machine["venv"] / "share" / "lossbook" / "teacher-setup.sh"
        setup = as_user("teacher", ["bash", str(script), str(machine["venv"]), COURSE])
        assert setup.returncode == 0, f"the teacher's setup failed:\n{setup.stdout}{setup.stderr}"

    with clock.phase("start the teacher's server, wait for all 3"):
        hub.spawn(["teacher"])
        hub.wait_ready(list(hub_course.USERS))

    with clock.phase("1. generate and release"):
        made = hub.server("teacher", f"formgrader/api/assignment/{ASSIGNMENT}", "PUT", {})
        assert made.status == 200, f"creating {ASSIGNMENT}: {made.status} {made.body!r}"
        for path in NOTEBOOKS:  # uploaded, as in JupyterLab
            _save(hub, "teacher", f"{COURSE}/source/{ASSIGNMENT}/{path.name}",
                  json.loads(path.read_text(encoding="utf-8")))
        call.formgrader(f"assignment/{ASSIGNMENT}/assign")
        call.formgrader(f"assignment/{ASSIGNMENT}/release")

    with clock.phase("2. both students fetch"):
        for student in STUDENTS:
            _assignment(call.listing(student), "released")
            _assignment(call.assignments(student, "fetch"), "fetched")
            for path in NOTEBOOKS:
                assert (_home(student) / ASSIGNMENT / path.name).is_file(), \
                    f"{student} fetched no {ASSIGNMENT}/{path.name}"

    with clock.phase("3. student1 answers; both submit"):
        write_the_model_answers(hub, "student1")
        for student in STUDENTS:
            submitted = _assignment(call.assignments(student, "submit"), "submitted")
            assert len(submitted["submissions"]) == 1, f"{student}: {submitted}"

    with clock.phase("4. collect"):
        call.formgrader(f"assignment/{ASSIGNMENT}/collect")
        for student in STUDENTS:
            assert (course_root / "submitted" / student / ASSIGNMENT).is_dir(), \
                f"{student}'s submission was not collected"
    for student in STUDENTS:
        with clock.phase(f"4. autograde {student}"):
            call.formgrader(f"submission/{ASSIGNMENT}/{student}/autograde")
    with clock.phase("4. generate and release feedback"):
        call.formgrader(f"assignment/{ASSIGNMENT}/generate_feedback")
        call.formgrader(f"assignment/{ASSIGNMENT}/release_feedback")

    with clock.phase("5. both students fetch feedback"):
        for student in STUDENTS:
            [submission] = _assignment(call.assignments(student, "fetch_feedback"),
                                       "submitted")["submissions"]
            assert submission["has_local_feedback"], f"{student}: {submission}"

    def gradebook(path: str):
        reply = hub.server("teacher", f"formgrader/api/{path}")
        assert reply.status == 200, f"the gradebook's {path}: {reply.status} {reply.body!r}"
        return reply.json()

    return {**machine, "logs": call.logs, "course_root": course_root,
            "scores": {s["student"]: s for s in gradebook(f"submissions/{ASSIGNMENT}")},
            "notebooks": {s: gradebook(f"student_notebook_submissions/{s}/{ASSIGNMENT}")
                          for s in STUDENTS}}


# -- what the class must see -----------------------------------------------------------


def _points(path: Path) -> float:
    """The assignment's marks from the source notebook itself: its grade cells' points."""
    notebook = nbformat.read(path, as_version=4)
    return sum(c.metadata.nbgrader.get("points", 0) for c in notebook.cells
               if c.metadata.get("nbgrader", {}).get("grade"))


def test_student1_gets_full_marks_and_student2_zero(course):
    total = sum(map(_points, NOTEBOOKS))
    assert total > 0
    scores = course["scores"]
    assert set(scores) == set(STUDENTS), f"the gradebook lists {sorted(scores)}"
    for student in STUDENTS:
        assert scores[student]["autograded"], f"{student} was not autograded"
        assert scores[student]["needs_manual_grade"] is False, student
        assert scores[student]["max_score"] == total, \
            f"{student}: the gradebook's maximum is {scores[student]['max_score']}, not {total}"
    per_notebook = {s: {nb["name"]: nb["score"] for nb in course["notebooks"][s]}
                    for s in STUDENTS}
    assert scores["student1"]["score"] == total, \
        f"student1 (model answers) scored {per_notebook['student1']}"
    assert scores["student2"]["score"] == 0, \
        f"student2 (the release, untouched) scored {per_notebook['student2']}"


def test_nbgrader_logged_no_error(course, request):
    # what each formgrader and assignment-list call logged (nbgrader's apps, in-process)
    calls = "\n".join(course["logs"])
    errors = [line for line in calls.splitlines() if "ERROR" in line or "CRITICAL" in line]
    assert not errors, "nbgrader logged errors:\n" + "\n".join(errors[:20])
    # every user's server logs into the hub's log: nbgrader's extensions run there, and the
    # assignment list logs a failed fetch or submit there only (its answer says success)
    log = course["hub"].log.read_text(errors="replace").splitlines()
    errors = [line for line in log if line.startswith("[E ") or "ERROR" in line
              or line.startswith("Traceback")]
    assert not errors, "errors in the hub's and the servers' log:\n" + "\n".join(errors[:20])
    # nbgrader issue #1961: a test cell with hidden tests warns that its checksum changed
    changed = sorted({line.split("for cell ")[1].split()[0] for line in log
                      if "Attribute 'checksum' for cell" in line})
    _say(request, f"'checksum has changed' warnings (nbgrader #1961, not errors): {changed}")


def test_the_students_have_their_feedback(course):
    for student in STUDENTS:
        feedback = _home(student) / ASSIGNMENT / "feedback"
        for path in NOTEBOOKS:
            pages = list(feedback.glob(f"*/{path.stem}.html"))
            assert len(pages) == 1, f"{student}: feedback for {path.name}: {pages}"
            text = pages[0].read_text(encoding="utf-8")
            score = {nb["name"]: nb for nb in course["notebooks"][student]}[path.stem]
            # nbgrader's feedback template prints each number as str(round(float(x), 2))
            said = (f"{path.stem} (Score: {round(float(score['score']), 2)} / "
                    f"{round(float(score['max_score']), 2)})")
            assert said in text, f"{student}'s feedback on {path.name} does not say {said!r}"


def _teacher_only(cell) -> set[str]:
    """The lines of a source cell that students must not get: those of its hidden tests
    and, in a solution cell, of its solution (the whole cell if it has no markers), less
    any line the cell also shows students (a bracket of a data literal, say)."""
    secret, public, inside = set(), set(), None
    whole = cell.metadata.nbgrader.get("solution") and SOLUTION_MARKERS[0] not in cell.source
    for line in (line.strip() for line in cell.source.splitlines()):
        for begin, end in (SOLUTION_MARKERS, HIDDEN_MARKERS):
            if begin in line:
                inside = begin
            elif end in line:
                inside = None
        if not line or any(m in line for m in SOLUTION_MARKERS + HIDDEN_MARKERS):
            continue
        (secret if whole or inside else public).add(line)
    return secret - public


def test_the_release_holds_no_solution_and_no_hidden_test(course):
    released = course["exchange"] / COURSE / "outbound" / ASSIGNMENT
    fetched = _home("student2") / ASSIGNMENT  # student2 changed nothing: what students get
    hidden = 0
    for path in NOTEBOOKS:
        source = {c.metadata.nbgrader["grade_id"]: c
                  for c in nbformat.read(path, as_version=4).cells
                  if "grade_id" in c.metadata.get("nbgrader", {})}
        hidden += sum(HIDDEN_MARKERS[0] in c.source for c in source.values())
        for copy in (released / path.name, fetched / path.name):
            text = copy.read_text(encoding="utf-8")
            for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
                assert marker not in text, f"{copy} holds {marker!r}"
            release = {c.metadata.nbgrader["grade_id"]: c.source
                       for c in nbformat.read(copy, as_version=4).cells
                       if "grade_id" in c.metadata.get("nbgrader", {})}
            for grade_id, cell in source.items():
                lines = {line.strip() for line in release[grade_id].splitlines()}
                kept = sorted(_teacher_only(cell) & lines)
                assert not kept, f"{copy}, cell {grade_id} keeps the teacher's lines: {kept}"
    assert hidden > 0, "the source notebooks hold no hidden test: nothing was checked"


# -- what student1 must not reach --------------------------------------------------------

PROBE = """
import json, os
outcome = {}
for path in %s:
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, "rb").read(1)
        outcome[path] = "read"
    except PermissionError:
        outcome[path] = "denied"
    except FileNotFoundError:
        outcome[path] = "missing"
print(json.dumps(outcome))
"""


def _private_paths(course) -> list[str]:
    teacher = course["course_root"]
    student2 = _home("student2")
    paths = [teacher / "source" / ASSIGNMENT / NOTEBOOKS[0].name, teacher / "source",
             teacher / "gradebook.db", teacher / "autograded",
             student2, student2 / ASSIGNMENT / NOTEBOOKS[0].name,
             course["exchange"] / COURSE / "inbound", course["exchange"] / COURSE / "feedback"]
    for path in paths:
        assert path.exists(), f"{path} does not exist: the probe would prove nothing"
    return [str(p) for p in paths]


def _own_file() -> str:
    return str(_home("student1") / ASSIGNMENT / NOTEBOOKS[0].name)


def test_student1_cannot_read_others_files_as_a_login(course):
    paths = _private_paths(course)
    probe = as_user("student1", [str(course["venv"] / "bin" / "python"), "-c",
                                 PROBE % json.dumps([_own_file(), *paths])])
    assert probe.returncode == 0, probe.stderr
    outcome = json.loads(probe.stdout)
    assert outcome.pop(_own_file()) == "read", "the probe cannot even read student1's own file"
    assert outcome == {p: "denied" for p in paths}, json.dumps(outcome, indent=1)


def test_student1_cannot_read_others_files_from_their_server(course):
    hub, paths = course["hub"], _private_paths(course)
    output = hub_course.run_in_kernel(hub, "student1", PROBE % json.dumps([_own_file(), *paths]))
    outcome = json.loads(output)
    assert outcome.pop(_own_file()) == "read", "student1's kernel cannot read their own file"
    assert outcome == {p: "denied" for p in paths}, json.dumps(outcome, indent=1)


def test_student1_cannot_use_other_servers_or_the_formgrader(course):
    hub = course["hub"]
    for owner, path in [("teacher", f"api/contents/{COURSE}/source/{ASSIGNMENT}"),
                        ("teacher", f"formgrader/api/submissions/{ASSIGNMENT}"),
                        ("student2", f"api/contents/{ASSIGNMENT}")]:
        reply = hub.server(owner, path, as_user="student1")
        assert reply.status == 403, f"student1 -> {owner}'s /{path}: HTTP {reply.status}"
    # a student's own server has no formgrader (classroom/README.md, step 1), the teacher's has
    own = hub.server("student1", "formgrader/api/status")
    assert own.status == 404, f"student1's own formgrader: HTTP {own.status}"
    assert hub.server("teacher", "formgrader/api/status").status == 200
    assert set(hub_course.LAB_PANELS) <= _disabled_panels(hub, "student1")
    assert not set(hub_course.LAB_PANELS) & _disabled_panels(hub, "teacher")


def _disabled_panels(hub, user: str) -> set[str]:
    """The JupyterLab plugins ``user``'s Lab page is told to leave out."""
    page = hub.server(user, "lab")
    assert page.status == 200, f"{user}'s /lab: HTTP {page.status}"
    data = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                     page.body, re.S)
    assert data, f"no page config in {user}'s /lab"
    return set(json.loads(data.group(1))["disabledExtensions"])
