from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clientcentric.accounts"
    label = "accounts"
    verbose_name = _("People and agencies")

    def ready(self):
        from . import signals  # noqa: F401
