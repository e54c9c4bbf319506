from django.conf import settings

from . import local_mailbox


def region(request):
    return {"region_name": settings.CLIENTCENTRIC_REGION_NAME, "local_mailbox": local_mailbox.is_active()}
