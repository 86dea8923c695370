import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeneon.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from social.routing import websocket_urlpatterns  # noqa: E402

# No AllowedHostsOriginValidator / AuthMiddlewareStack: the live server does not check
# Origin, and the consumer authenticates the JWT itself.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
