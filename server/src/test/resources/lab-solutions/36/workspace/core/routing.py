from django.urls import path

from .chat import Chat

websocket_urlpatterns = [path("ws/chat/<str:room>/", Chat.as_asgi())]
