"""Eligibility of clients: the Django side of the rule language (engines/rules)."""
