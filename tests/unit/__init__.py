"""Pure tests of sopvault.model and sopvault.core: no disk, git or index."""
