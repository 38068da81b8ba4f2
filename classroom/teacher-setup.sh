#!/bin/bash
# Run once as the teacher (not as root), in a terminal: makes your course folder and
# turns nbgrader's formgrader on for you alone (classroom/README.md, step 3). Then restart
# your server (File > Hub Control Panel > Stop My Server, then Start My Server).
#
#     bash teacher-setup.sh [VENV] [COURSE]      (defaults: /opt/lossbook-hub cross-entropy)
#
# It never overwrites a file you already have; it says so and leaves it.
set -euo pipefail
venv=${1:-/opt/lossbook-hub}
course=${2:-cross-entropy}

mkdir -p "$HOME/$course/source" "$HOME/.jupyter/jupyter_server_config.d"

write_new() {  # write_new FILE: stdin into FILE, unless FILE exists
    if [ -e "$1" ]; then
        echo "$1 exists: left as it is" >&2
        cat >/dev/null
    else
        cat >"$1"
    fi
}

# Where your course lives: nbgrader's formgrader works in this folder.
write_new "$HOME/.jupyter/nbgrader_config.py" <<EOF
c = get_config()
c.CourseDirectory.root = "$HOME/$course"
EOF

# The formgrader and the course list, off for everyone in the course venv, on for you.
# (A file, not `jupyter server extension enable --user`: that command refuses an
# extension that only the venv's configuration names.)
write_new "$HOME/.jupyter/jupyter_server_config.d/nbgrader-teacher.json" <<'EOF'
{
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.formgrader": true,
      "nbgrader.server_extensions.course_list": true
    }
  }
}
EOF

# Their panels in JupyterLab.
"$venv/bin/jupyter" labextension enable --level=user @jupyter/nbgrader:formgrader \
    @jupyter/nbgrader:create-assignment @jupyter/nbgrader:course-list
