"""Pure rules: parsing, checks, approval rules, run rules, conditions, evidence. No I/O."""
