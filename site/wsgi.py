import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.production")
application = get_wsgi_application()

if settings.MAP_INDEX_AT_START:
    from assets_register.geo.map_index import warm_up

    warm_up()
