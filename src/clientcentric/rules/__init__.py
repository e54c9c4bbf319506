"""The rule language's Django side: rule files, fact providers per domain, population runs (engines/rules)."""
