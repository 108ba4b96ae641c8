"""Document control: proposals, approvals, history and audit."""
