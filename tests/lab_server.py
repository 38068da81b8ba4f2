"""A real JupyterLab 4 server for the browser tests, started the way a learner starts it.

``LabServer.start(root)`` runs ``jupyter lab`` from this virtualenv, headless, on a free
127.0.0.1 port with a token, serving ``root`` (a temporary copy of the notebooks). The
kernels it starts import *this* checkout's package: ``src/`` is put first on their
PYTHONPATH. ``stop()`` shuts the server down through its API (which stops its kernels),
then ends its process group and any process still carrying this server's mark.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"  # the package the kernels import: this checkout's
MARK = "LOSSBOOK_LAB_TEST"  # environment variable that tags every process of one server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked_processes(mark: str) -> list[int]:
    """Pids of the processes whose environment carries ``MARK=mark`` (server, kernels)."""
    pids, needle = [], f"{MARK}={mark}".encode() + b"\0"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            pass
    return pids


class LabServer:
    def __init__(self, process, port: int, token: str, mark: str, log: Path, root: Path):
        self.process, self.port, self.token, self.mark = process, port, token, mark
        self.log, self.root = log, root
        self.url = f"http://127.0.0.1:{port}/"

    @classmethod
    def start(cls, root: Path, home: Path, timeout: float = 90) -> "LabServer":
        """Start ``jupyter lab`` serving ``root``; ``home`` holds its config, settings, log."""
        jupyter = Path(sys.executable).with_name("jupyter")
        if not jupyter.exists():
            raise RuntimeError(f"{jupyter} is missing: pip install -r requirements.txt")
        settings = home / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        # No news or update toasts: the server has no internet, and they cover the page.
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        port, token, mark = free_port(), secrets.token_hex(16), secrets.token_hex(8)
        env = {**os.environ, MARK: mark,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC),
                                                           os.environ.get("PYTHONPATH")])),
               "JUPYTER_CONFIG_DIR": str(home / "config"),
               "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
               "IPYTHONDIR": str(home / "ipython")}
        env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as for a learner
        log = home / "lab.log"
        command = [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                   "--LabApp.expose_app_in_browser=True",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:  # containers and CI run as root
            command.append("--allow-root")
        with open(log, "wb") as out:
            process = subprocess.Popen(command, env=env, cwd=root, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(process, port, token, mark, log, root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({process.returncode}):\n{server.tail()}")
            try:
                server.api("status")
                return server
            except OSError:
                time.sleep(0.2)  # polling for the port to open (no page to wait on yet)
        server.stop()
        raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s:\n{server.tail()}")

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> list[int]:
        """Shut down the server and its kernels; return the pids that had to be killed."""
        try:
            self.api("shutdown", method="POST")  # stops the kernels too
            self.process.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            pass
        killed = []
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the server's whole group
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        for pid in marked_processes(self.mark):  # kernels run in sessions of their own
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                pass
        return killed
