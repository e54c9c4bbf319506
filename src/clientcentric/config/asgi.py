import os

from django.core.asgi import get_asgi_application

from clientcentric.core.deploy_safety import refuse_unsafe_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
# Web processes get the database statement timeout (settings.CLIENTCENTRIC_DB_STATEMENT_TIMEOUT).
os.environ.setdefault("CLIENTCENTRIC_SERVING", "true")
application = get_asgi_application()

refuse_unsafe_serving()
