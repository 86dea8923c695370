from django.urls import re_path

from .consumers import NotificationConsumer

# Trailing slash required: without it no route matches and Daphne answers HTTP 500,
# like the live server.
websocket_urlpatterns = [re_path(r"^ws/notifications/$", NotificationConsumer.as_asgi())]
