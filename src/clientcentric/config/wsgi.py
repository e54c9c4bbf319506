import os

from django.core.wsgi import get_wsgi_application

from clientcentric.core.deploy_safety import refuse_unsafe_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
# Web processes get the database statement timeout (settings.CLIENTCENTRIC_DB_STATEMENT_TIMEOUT).
os.environ.setdefault("CLIENTCENTRIC_SERVING", "true")
application = get_wsgi_application()

refuse_unsafe_serving()
