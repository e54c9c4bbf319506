"""What a web process checks before it serves: nothing signed with a key the whole world knows."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNSAFE_SECRET_KEY = (
    "Refusing to serve: SECRET_KEY is empty or the built-in development key, with which anyone can forge "
    "sessions and feedback or unsubscribe links. Set SECRET_KEY to a long random value (for example "
    '`python -c "import secrets; print(secrets.token_urlsafe(50))"`), or CLIENTCENTRIC_DEBUG=true on a '
    "developer's machine."
)


def unsafe_to_serve() -> str:
    """Why this configuration must not serve requests, or "" when it may."""
    if settings.DEBUG:
        return ""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        key = ""
    if not key or key == settings.INSECURE_DEVELOPMENT_SECRET_KEY:
        return UNSAFE_SECRET_KEY
    return ""


def refuse_unsafe_serving() -> None:
    reason = unsafe_to_serve()
    if reason:
        raise ImproperlyConfigured(reason)
