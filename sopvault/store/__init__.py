"""Where bytes live: the file system, caches and git."""
