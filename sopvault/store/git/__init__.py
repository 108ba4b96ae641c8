"""git through one door: discovery, plumbing, refs."""
