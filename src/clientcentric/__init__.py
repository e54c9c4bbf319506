"""Clientcentric: a platform for public authorities working by the client-centricity standards."""

__version__ = "0.1.0"
