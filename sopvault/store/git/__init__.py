"""git through one door.

runner.py runs every git command (argument lists, one environment policy, GitPython);
discovery.py finds the repository; repo.py is the ``Repo`` the services use, built on
log.py (history), objects.py (blobs, trees, private index, commit-tree) and remote.py
(fetch, push); errors.py names what can go wrong.
"""
