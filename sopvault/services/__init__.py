"""What sopvault does, over a vault: documents, document control, runs, sync."""
