from django.conf import settings


def region(request):
    return {"region_name": settings.CLIENTCENTRIC_REGION_NAME}
