"""The vocabulary of sopvault as plain data: dataclasses and enums, no I/O."""
