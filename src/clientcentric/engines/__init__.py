"""Pure Python engines: no Django imports here."""
