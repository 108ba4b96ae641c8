"""Talking to a remote: fetch every branch, push all or nothing with leases.

Never asks for a password: the runner's policy turns prompts off, so a server that wants
one fails with git's words instead of hanging a TUI."""

from __future__ import annotations

from sopvault.store.git.errors import GitError
from sopvault.store.git.runner import Runner, failure


def remotes(runner: Runner) -> list[str]:
    """The names of the configured remotes, as ``git remote`` lists them."""
    return runner.text(["remote"]).split()


def remote_url(runner: Runner, name: str) -> str:
    """Where remote ``name`` points (for messages), or ``name`` itself when git cannot say."""
    done = runner.call(["remote", "get-url", "--", name])
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else name


def upstream_remote(runner: Runner, branch: str) -> str | None:
    """The remote ``branch`` (a short name: ``main``) is set to track
    (``branch.<branch>.remote``), or None when it tracks none."""
    done = runner.call(["config", "--get", f"branch.{branch}.remote"])
    return done.stdout.decode().strip() or None if done.returncode == 0 else None


def fetch(runner: Runner, remote: str) -> None:
    """Every branch of ``remote`` into ``refs/remotes/<remote>/``, deleted ones pruned, no
    tags. Raises GitError with git's words when the remote cannot be reached."""
    runner.run(
        [
            "fetch",
            "--prune",
            "--no-tags",
            "--quiet",
            remote,
            f"+refs/heads/*:refs/remotes/{remote}/*",
        ]
    )


def push(runner: Runner, remote: str, refspecs: list[str], leases: list[str]) -> None:
    """Push all of ``refspecs`` or none (``--atomic``), each only if the server still holds
    what we fetched (``--force-with-lease`` per ``ref:expected`` in ``leases``). Raises
    GitError carrying the server's own words when it refuses."""
    args = ["push", "--porcelain", "--atomic", "--quiet"]
    args += [f"--force-with-lease={lease}" for lease in leases]
    done = runner.call([*args, remote, *refspecs])
    if done.returncode == 0:
        return
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    said = [
        line[len("remote: ") :].strip()
        for line in text.splitlines()
        if line.startswith("remote: ") and line[len("remote: ") :].strip()
    ]
    rejected = [line for line in text.splitlines() if line.startswith("!")]
    reason = "; ".join(said) or "; ".join(r.split("\t")[-1] for r in rejected)
    raise GitError(reason or failure(done.stderr) or "git push failed")


class RemoteOps:
    """What :class:`~sopvault.store.git.repo.Repo` offers about remotes, over its runner."""

    _runner: Runner

    def remotes(self) -> list[str]:
        """The names of the configured remotes."""
        return remotes(self._runner)

    def remote_url(self, name: str) -> str:
        """Where remote ``name`` points, or ``name`` when git cannot say."""
        return remote_url(self._runner, name)

    def upstream_remote(self, branch: str) -> str | None:
        """The remote branch ``branch`` (short name) tracks, or None when it tracks none."""
        return upstream_remote(self._runner, branch)

    def fetch(self, remote: str) -> None:
        """Every branch of the remote into ``refs/remotes/<remote>/``, pruned; never prompts."""
        fetch(self._runner, remote)

    def push(self, remote: str, refspecs: list[str], leases: list[str]) -> None:
        """Push all of ``refspecs`` or none, each with its lease; GitError with the
        server's own words when it refuses."""
        push(self._runner, remote, refspecs, leases)
