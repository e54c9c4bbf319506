"""Supervision pages: the business's (business), the inspector's desk (desk), the public registries (registries)."""
