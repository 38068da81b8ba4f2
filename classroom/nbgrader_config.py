"""nbgrader settings every user of the course shares: the course's name and its exchange.

Install it where every user's server reads it, in the course virtualenv:

    cp classroom/nbgrader_config.py /opt/lossbook-hub/etc/jupyter/nbgrader_config.py

The teacher adds their own ~/.jupyter/nbgrader_config.py that says where their course
folder is (classroom/README.md, step 3). tests/test_hub.py installs this file the same
way and changes only Exchange.root (a fresh folder per run).
"""
c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

# The course's id: students see it in their Assignments tab, and it names the
# course's folder in the exchange.
c.CourseDirectory.course_id = "cross-entropy"

# Where released assignments, submissions and feedback wait to be picked up. Make it
# once, as root, writable by everyone with the sticky bit (like /tmp):
#     mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange
# nbgrader sets the permissions inside it: a student can submit, but cannot list the
# submissions, so cannot find another student's.
c.Exchange.root = "/srv/nbgrader/exchange"

# Seconds one cell may run while nbgrader grades or validates. A chapter's slider cell
# draws its frames in a few seconds; a machine busy with a whole class can be many
# times slower than that (nbgrader's default is 30).
c.Execute.timeout = 300
