"""The agency's self-assessment against the standard (issue 21)."""
