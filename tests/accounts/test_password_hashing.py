"""The suite hashes passwords with a cheap hasher (tests/conftest.py); production must not."""

from django.conf import global_settings

from clientcentric.config import settings as production


def test_production_hashes_passwords_with_a_slow_hasher():
    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert not [h for h in hashers if "MD5" in h or "Unsalted" in h]
