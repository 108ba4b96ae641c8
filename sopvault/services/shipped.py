"""The sample vault shipped with sopvault: there to browse and search, never to write.

It sits inside sopvault's own repository (``sample_vault/`` beside ``pyproject.toml``) or
inside the installed package (``sopvault/data/sample_vault``). A run, a proposal or a sync
there would commit into sopvault's own history, so every writer refuses and points to
``sopvault demo DIR``, which makes a copy of one's own. A copy is never the shipped vault,
wherever it is and whatever it is called: only the place counts, so no marker file has to
be left out of copies (the tests' copies, the demo's) and none can be copied in by mistake.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import tomli

from sopvault.errors import SopvaultError

SAMPLE = "sample_vault"
ADVICE = "make your own copy to try it: sopvault demo DIR"


def sample_source() -> Path:
    """The shipped sample vault: beside the package in a checkout, or packaged data.
    Raises SopvaultError when neither is there."""
    checkout = Path(__file__).resolve().parents[2] / SAMPLE
    if (checkout / "sopvault.toml").is_file():
        return checkout
    packaged = Path(str(resources.files("sopvault") / "data" / SAMPLE))
    if (packaged / "sopvault.toml").is_file():
        return packaged
    raise SopvaultError("the sample vault is not installed with this copy of sopvault")


def is_shipped(root: Path) -> bool:
    """Whether the vault at ``root`` is the shipped sample: this installation's, the one
    of any sopvault checkout (a folder ``sample_vault`` beside a ``pyproject.toml`` of
    the project ``sopvault``), or the one inside an installed package."""
    here = root.resolve()
    if here.name != SAMPLE:
        return False
    try:
        if here == sample_source().resolve():
            return True
    except SopvaultError:
        pass
    packaged = here.parent.name == "data" and (here.parent.parent / "__init__.py").is_file()
    if packaged and here.parent.parent.name == "sopvault":
        return True
    return _is_checkout(here.parent)


def _is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is the top of a sopvault source tree (its pyproject names it)."""
    try:
        with (folder / "pyproject.toml").open("rb") as handle:
            project = tomli.load(handle).get("project", {})
    except (OSError, tomli.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == "sopvault"
