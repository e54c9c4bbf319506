"""Core's writes: the status-change idiom every domain uses."""
