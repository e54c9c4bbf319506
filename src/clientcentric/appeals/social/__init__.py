"""Appeals from social networks in both directions (TP-3): where a comment or a message came from, our answers
sent back there, and the replies that join the appeal. The writes live in `services` (the one write path)."""

from .services import coordinates, join, queue_answer, remember_thread, retry, send, thread_replied_to

__all__ = ["coordinates", "join", "queue_answer", "remember_thread", "retry", "send", "thread_replied_to"]
