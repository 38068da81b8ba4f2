"""JupyterHub for one lossbook class on one Linux machine, with nbgrader.

Students and the teacher log in with their Linux account and password. Each gets
their own JupyterLab server, running as their own Linux user in their own home
folder, so Unix permissions keep one person's files from another. nbgrader moves
assignments between them through a shared "exchange" folder.

Start it as root, from the virtualenv of classroom/README.md (step 1):

    /opt/lossbook-hub/bin/jupyterhub -f classroom/jupyterhub_config.py

tests/test_hub.py starts the hub with this very file and overrides only ports and
file paths (tests/hub_course.py, Hub.start, lists them), so every other line is tested.
"""
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

# --- Who may log in ---------------------------------------------------------------
# PAM checks the Linux account's own password (JupyterHub's default authenticator).
c.JupyterHub.authenticator_class = "pam"
# Everyone in these Linux groups may log in. Adding a student is one command, with
# no restart:  useradd -m -K HOME_MODE=0700 -G lossbook-students NAME && passwd NAME
c.PAMAuthenticator.allowed_groups = {"lossbook-students", "lossbook-teachers"}
# Teachers are the hub's admins: its admin page lists every user and can stop or
# start their servers.
c.PAMAuthenticator.admin_groups = {"lossbook-teachers"}

# --- Each user's server -----------------------------------------------------------
# The default spawner: a local process that switches to the user's Linux account
# (which is why the hub runs as root) and starts in their home folder.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"

# Every server runs from the virtualenv the hub runs from, whatever PATH the hub was
# started with (a systemd unit, sudo, a login shell). nbgrader needs that venv's
# bin on PATH: its gradebook runs the `alembic` command.
VENV_BIN = os.path.dirname(sys.executable)
c.Spawner.cmd = [os.path.join(VENV_BIN, "jupyterhub-singleuser")]
c.Spawner.environment = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"}

# Thirty students logging in at the start of a lesson start thirty servers at once on
# one machine. JupyterHub's defaults (60 s to start, 30 s to answer) are too short then.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# --- Where the hub listens --------------------------------------------------------
# The public address. This machine only, until you put HTTPS in front: passwords
# must not cross a network in the clear. Either a reverse proxy (nginx, caddy) that
# forwards to this address, or let the hub speak HTTPS itself:
#     c.JupyterHub.bind_url = "https://:443"
#     c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/HOST/fullchain.pem"
#     c.JupyterHub.ssl_key = "/etc/letsencrypt/live/HOST/privkey.pem"
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
# The hub's own API, which the proxy and the users' servers call, and the proxy's
# API, which the hub calls: both stay on this machine.
c.JupyterHub.hub_bind_url = "http://127.0.0.1:8081"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
# The proxy that routes /user/NAME/ to NAME's server: `npm install -g
# configurable-http-proxy` puts this command on PATH.
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]

# --- The hub's own files ----------------------------------------------------------
# Its database (users, tokens, running servers), the secret that signs login cookies,
# and the proxy's process id. /srv/jupyterhub must exist and be readable by root only.
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "/srv/jupyterhub/jupyterhub-proxy.pid"
