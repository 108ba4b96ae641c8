"""git through one door.

runner.py runs every git command (argument lists, one environment policy, GitPython);
discovery.py finds (and creates) the repository; repo.py is the ``Repo`` the services use,
built on log.py (history, counts), objects.py (blobs, trees, private index, commit-tree)
and remote.py (fetch, push, upstream); refs.py names proposal refs; diffs.py, worktree.py
and index.py ask what changed, follow main in the work tree and touch the user's own index;
errors.py names what can go wrong. Only these modules spell git commands.
"""
