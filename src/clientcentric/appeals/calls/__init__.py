"""The call centre: recorded calls that attach to appeals (docs/channels.md)."""
