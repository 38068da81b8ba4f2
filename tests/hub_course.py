"""The machinery of tests/test_hub.py: a course's virtualenv, Linux users, a JupyterHub.

Everything here is what classroom/README.md tells a teacher to do, done by a test:

- ``course_venv()``: the venv of classroom/requirements-hub.txt, made from Debian's
  /usr/bin/python3 under /var/cache (every user must be able to enter it), kept while
  its requirements are unchanged; ``install_course()`` reinstalls lossbook into it from
  this checkout on every run (a regular install, so users can import it) and puts
  classroom/nbgrader_config.py in it.
- ``add_users()`` / ``remove_users()``: Linux users with private homes, in the groups
  classroom/jupyterhub_config.py lets in. Users made here carry ``MARK`` as their
  full name, so a crashed run's users are recognised and removed, and a real account
  of the same name is never touched.
- ``Hub``: JupyterHub started with classroom/jupyterhub_config.py, only ports and
  paths overridden; its REST API, each user's server, a kernel in that server.
- ``stop_processes()``: ends, by pid, the hub, its proxy and every process of the
  test's users.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import email.message
import grp
import hashlib
import http.cookiejar
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lab_server import free_port  # a free 127.0.0.1 port

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "classroom"
REQUIREMENTS = CLASSROOM / "requirements-hub.txt"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"  # npm ci
SYSTEM_PYTHON = Path("/usr/bin/python3")  # Debian's: a venv every user can run
VENVS = Path("/var/cache/lossbook-hub")  # kept between runs, CI's later runs too
RUNS = Path("/tmp")  # each run's folder: lossbook-hub-XXXX, readable by every user
RUN_PREFIX = "lossbook-hub-"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

MARK = "lossbook hub test"  # the full name (GECOS) of every user this module makes
PROCESS_MARK = "LOSSBOOK_HUB_TEST"  # environment variable of the hub and its proxy
TEACHERS, STUDENTS = "lossbook-teachers", "lossbook-students"  # jupyterhub_config.py's
USERS = {"teacher": TEACHERS, "student1": STUDENTS, "student2": STUDENTS}

# classroom/README.md, step 1: students get the assignment list, not the formgrader. The
# panels stay unlocked, so that the teacher can turn them back on (classroom/teacher-setup.sh).
LAB_PANELS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
              "@jupyter/nbgrader:course-list"]
DISABLE_FOR_EVERYONE = [
    ["jupyter", "server", "extension", "disable", "--sys-prefix",
     "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"],
    ["jupyter", "labextension", "disable", "--level=sys_prefix", *LAB_PANELS],
    ["jupyter", "labextension", "unlock", "--level=sys_prefix", *LAB_PANELS],
]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, umask 022 (what it makes, every user can read); fail with its output."""
    result = subprocess.run(command, capture_output=True, text=True,
                            preexec_fn=lambda: os.umask(0o022), **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                           f"{(result.stdout + result.stderr)[-3000:]}")
    return result


# -- the course's virtualenv ---------------------------------------------------------


def _venv_key() -> str:
    """A hash of everything the venv is made from: rebuild it when any of it changes."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    recipe = {
        "python": run([str(SYSTEM_PYTHON), "--version"]).stdout.strip(),
        "requirements": REQUIREMENTS.read_text(encoding="utf-8"),
        "build": project["build-system"]["requires"],
        "lossbook needs": project["project"]["dependencies"],
        "disabled": DISABLE_FOR_EVERYONE,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def course_venv() -> tuple[Path, bool]:
    """The course venv, made if its recipe changed; return (path, whether it was made).

    Everything but lossbook goes in here once (40-70 s); lossbook's own dependencies and
    build tools too, so that ``install_course`` can reinstall lossbook alone, offline.
    """
    venv = VENVS / f"venv-{_venv_key()}"
    done = venv / ".complete"
    if done.exists():
        return venv, False
    VENVS.mkdir(mode=0o755, parents=True, exist_ok=True)
    VENVS.chmod(0o755)
    for old in VENVS.glob("venv-*"):  # an older recipe's venv, or a half-made one
        shutil.rmtree(old)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    run(pip + ["-r", str(REQUIREMENTS), *project["build-system"]["requires"],
               *project["project"]["dependencies"]])
    for command in DISABLE_FOR_EVERYONE:
        run([str(venv / "bin" / command[0]), *command[1:]])
    done.touch()
    return venv, True


def install_course(venv: Path, run_dir: Path, exchange: Path) -> None:
    """Reinstall lossbook from this checkout; install the course's nbgrader config and
    the teacher's setup script (classroom/README.md, step 1).

    pip builds from a copy of the package (pyproject, README, src), so the checkout gets
    no build/ or egg-info folder. ``--force-reinstall``: the same version number must
    still bring this checkout's code.
    """
    copy = run_dir / "lossbook-src"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "src", copy / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         "--no-build-isolation", "--force-reinstall", "--no-cache-dir", str(copy)])
    config = venv / "etc" / "jupyter" / "nbgrader_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    override = f"\n# tests/test_hub.py: this run's exchange\nc.Exchange.root = {str(exchange)!r}\n"
    config.write_text((CLASSROOM / "nbgrader_config.py").read_text(encoding="utf-8") + override,
                      encoding="utf-8")
    config.chmod(0o644)
    script = venv / "share" / "lossbook" / "teacher-setup.sh"  # step 1's `install -D`
    script.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(CLASSROOM / "teacher-setup.sh", script)
    script.chmod(0o644)


# -- Linux users ---------------------------------------------------------------------


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _group(name: str) -> grp.struct_group | None:
    try:
        return grp.getgrnam(name)
    except KeyError:
        return None


def remove_leftovers() -> list[str]:
    """Remove what a crashed earlier run left: its processes, users, groups and folders.

    Refuse (RuntimeError) to touch a user or group of the same name that this module
    did not make. Return what was removed.
    """
    removed = []
    for name in USERS:
        user = _user(name)
        if user is None:
            continue
        if user.pw_gecos != MARK:
            raise RuntimeError(
                f"a Linux user {name!r} exists and was not made by tests/test_hub.py (its full "
                f"name is {user.pw_gecos!r}, not {MARK!r}); the test will not touch it. "
                "Remove it, or run the test on a machine without it.")
    killed = stop_processes(set(USERS))
    removed += [f"process {pid}" for pid in killed]
    removed += remove_users()
    for folder in RUNS.glob(RUN_PREFIX + "*"):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(str(folder))
    return removed


def add_users() -> dict[str, str]:
    """Make the course's groups and users (private homes); return their passwords.

    The same commands as classroom/README.md, step 2.
    """
    for group in (TEACHERS, STUDENTS):
        run(["groupadd", group])
    passwords = {}
    for name, group in USERS.items():
        run(["useradd", "--create-home", "-K", "HOME_MODE=0700", "--groups", group,
             "--comment", MARK, "--shell", "/bin/bash", name])
        passwords[name] = secrets.token_urlsafe(16)
    run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in passwords.items()))
    return passwords


def remove_users() -> list[str]:
    """Remove the users this module made (homes included) and then its groups."""
    removed = []
    for name in USERS:
        user = _user(name)
        if user is not None and user.pw_gecos == MARK:
            # userdel warns (exit 12) when there is no mail spool: not a failure here
            result = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
            if _user(name) is not None:
                raise RuntimeError(f"userdel {name} failed: {result.stderr}")
            removed.append(f"user {name}")
    for name in (TEACHERS, STUDENTS):
        group = _group(name)
        if group is None:
            continue
        members = set(group.gr_mem) | {u.pw_name for u in pwd.getpwall()
                                       if u.pw_gid == group.gr_gid}
        if members:
            raise RuntimeError(f"group {name!r} still has members {sorted(members)}, which "
                               "tests/test_hub.py did not make; the test will not remove it")
        run(["groupdel", name])
        removed.append(f"group {name}")
    return removed


def as_user(name: str, command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command as a Linux user, from their home, with a login's HOME and USER."""
    home = pwd.getpwnam(name).pw_dir
    env = {"PATH": SYSTEM_PATH, "HOME": home, "USER": name, "LOGNAME": name, "LANG": "C.UTF-8"}
    return subprocess.run(["runuser", "-u", name, "--", *command], cwd=home, env=env,
                          capture_output=True, text=True, **kwargs)


# -- processes ------------------------------------------------------------------------


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:  # the process is gone
        pass
    return None


def _marked(pid: int) -> bool:
    try:
        return f"{PROCESS_MARK}=".encode() in Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def stop_processes(users: set[str]) -> list[int]:
    """End, by pid, every hub or proxy this module started and every process of ``users``.

    SIGTERM first, then SIGKILL for any still there after 10 s. Return the pids ended.
    """
    uids = {u.pw_uid for u in map(_user, users) if u is not None and u.pw_gecos == MARK}

    def ours() -> list[int]:
        return [pid for pid in _pids() if pid != os.getpid()
                and (_uid_of(pid) in uids or _marked(pid))]

    pids = ours()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in ours():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while ours() and time.monotonic() < deadline:
            time.sleep(0.2)
    left = ours()
    if left:
        raise RuntimeError(f"processes still running after SIGKILL: {left}")
    return pids


# -- HTTP ----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


@dataclass
class Reply:
    status: int
    body: bytes
    headers: email.message.Message  # case-insensitive .get()

    def json(self):
        return json.loads(self.body)


def request(url: str, method: str = "GET", token: str | None = None, body=None,
            opener=None, timeout: float = 600, headers: dict | None = None) -> Reply:
    """One HTTP request; JSON bodies for dicts/lists, form bodies for ``bytes``."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"token {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif isinstance(body, bytes):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    opener = opener or urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as response:
            return Reply(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        return Reply(error.code, error.read(), error.headers)


# -- the hub -------------------------------------------------------------------------


@dataclass
class Hub:
    """JupyterHub from the course venv, run with classroom/jupyterhub_config.py."""
    process: subprocess.Popen
    url: str  # the public URL, through the proxy
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)  # user -> API token

    @classmethod
    def start(cls, venv: Path, state: Path, timeout: float = 120) -> "Hub":
        """Start the hub as root; ``state`` (root only) holds its database, secret and log."""
        public = free_port()
        overrides = {  # ports and paths only: the rest is the classroom's file as it is
            "JupyterHub.bind_url": f"http://127.0.0.1:{public}",
            "JupyterHub.hub_bind_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.command": str(PROXY),
            "JupyterHub.db_url": f"sqlite:///{state / 'jupyterhub.sqlite'}",
            "JupyterHub.cookie_secret_file": str(state / "jupyterhub_cookie_secret"),
            "ConfigurableHTTPProxy.pid_file": str(state / "jupyterhub-proxy.pid"),
        }
        command = [str(venv / "bin" / "jupyterhub"), "-f", str(CLASSROOM / "jupyterhub_config.py"),
                   *(f"--{name}={value}" for name, value in overrides.items())]
        # A bare system PATH: the config itself must point users' servers at the venv.
        env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "HOME": str(state),
               PROCESS_MARK: "1"}
        log = state / "hub.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(command, cwd=state, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        hub = cls(process, f"http://127.0.0.1:{public}", log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({process.returncode}):\n{hub.tail()}")
            try:
                if request(f"{hub.url}/hub/api/", timeout=5).status == 200:
                    return hub
            except OSError:
                pass
            time.sleep(0.25)  # polling for the proxy and hub to answer
        raise RuntimeError(f"jupyterhub did not answer in {timeout:.0f} s:\n{hub.tail()}")

    def tail(self, chars: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def login(self, name: str, password: str) -> None:
        """Log in through the login form (the hub makes the user then), as a browser does,
        and ask for an API token with that login's cookies."""
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                              _NoRedirect)

        def xsrf() -> str:  # the hub renews it at login
            return next(c.value for c in jar if c.name == "_xsrf")

        page = request(f"{self.url}/hub/login", opener=browser)
        assert page.status == 200, f"login page: {page.status}"
        form = urllib.parse.urlencode({"username": name, "password": password,
                                       "_xsrf": xsrf()})
        answer = request(f"{self.url}/hub/login?next=%2Fhub%2Fhome", "POST",
                         body=form.encode(), opener=browser)
        assert answer.status == 302 and "/hub/home" in answer.headers.get("Location", ""), \
            f"{name} could not log in: {answer.status} {dict(answer.headers)}\n{self.tail()}"
        token = request(f"{self.url}/hub/api/users/{name}/tokens", "POST", opener=browser,
                        body={"note": "tests/test_hub.py", "expires_in": 3600},
                        headers={"X-XSRFToken": xsrf()})
        assert token.status in (200, 201), f"{name}'s token: {token.status} {token.body!r}"
        self.tokens[name] = token.json()["token"]

    def api(self, user: str, path: str, method: str = "GET", body=None) -> Reply:
        """The hub's REST API, as ``user``."""
        return request(f"{self.url}/hub/api/{path}", method, self.tokens[user], body)

    def server(self, user: str, path: str, method: str = "GET", body=None,
               as_user: str | None = None) -> Reply:
        """``user``'s own server (through the proxy), as ``as_user`` (default: ``user``)."""
        return request(f"{self.url}/user/{user}/{path}", method,
                       self.tokens[as_user or user], body)

    def spawn(self, users: list[str]) -> None:
        """Ask for each user's server, as their Start My Server button does, all at once:
        the hub holds each request up to its slow_spawn_timeout (10 s) before it answers."""
        with concurrent.futures.ThreadPoolExecutor(len(users)) as pool:
            answers = pool.map(lambda u: (u, self.api(u, f"users/{u}/server", "POST")), users)
        for user, started in answers:
            assert started.status in (201, 202), \
                f"starting {user}'s server: {started.status} {started.body!r}\n{self.tail()}"

    def wait_ready(self, users: list[str], timeout: float = 180) -> None:
        """Wait until every user's server is ready."""
        deadline = time.monotonic() + timeout
        waiting = list(users)
        while waiting and time.monotonic() < deadline:
            waiting = [u for u in waiting if not self.api(u, f"users/{u}").json()
                       .get("servers", {}).get("", {}).get("ready")]
            time.sleep(0.5)  # polling the hub, as its spawn page does
        assert not waiting, f"servers not ready in {timeout:.0f} s: {waiting}\n{self.tail()}"

    def stop(self) -> None:
        """Ask the hub to stop (it stops the users' servers and its proxy first)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass  # stop_processes() ends it


# -- a kernel in a user's server -------------------------------------------------------


def run_in_kernel(hub: Hub, user: str, code: str, timeout: float = 120) -> str:
    """Run ``code`` in a new kernel of ``user``'s server, as JupyterLab does; return stdout."""
    kernel = hub.server(user, "api/kernels", "POST", {"name": "python3"})
    assert kernel.status == 201, f"{user}'s kernel: {kernel.status} {kernel.body!r}"
    kernel_id = kernel.json()["id"]
    try:
        # A thread of its own: in a full run, Playwright's sync API (the browser tests'
        # session) keeps an event loop running in this one, and asyncio.run refuses.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _execute(hub, user, kernel_id, code, timeout)).result()
    finally:
        hub.server(user, f"api/kernels/{kernel_id}", "DELETE")


async def _execute(hub: Hub, user: str, kernel_id: str, code: str, timeout: float) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    url = (hub.url.replace("http://", "ws://")
           + f"/user/{user}/api/kernels/{kernel_id}/channels?session_id={session}")
    socket_ = await websocket_connect(HTTPRequest(
        url, headers={"Authorization": f"token {hub.tokens[user]}"}))
    msg_id = uuid.uuid4().hex
    socket_.write_message(json.dumps({
        "header": {"msg_id": msg_id, "session": session, "username": user,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    output = []
    try:
        while True:
            raw = await asyncio.wait_for(socket_.read_message(), timeout)
            if raw is None:
                raise RuntimeError(f"{user}'s kernel closed its websocket")
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                raise RuntimeError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(output)
    finally:
        socket_.close()
