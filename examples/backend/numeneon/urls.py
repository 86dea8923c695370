from django.urls import path
from rest_framework_simplejwt.views import TokenRefreshView

from social import views

urlpatterns = [
    path("api/health/", views.health),
    path("api/auth/signup/", views.signup),
    path("api/auth/login/", views.login),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/me/", views.me),
    path("api/users/", views.users),
    path("api/friends/", views.friends),
    path("api/friends/requests/", views.friend_requests),
    path("api/friends/request/<int:user_id>/", views.send_friend_request),
    path("api/friends/accept/<int:request_id>/", views.accept_friend_request),
    path("api/friends/decline/<int:request_id>/", views.decline_friend_request),
    path("api/messages/", views.send_message),
    path("api/messages/conversation/<int:user_id>/", views.conversation),
    path("api/messages/read/<int:user_id>/", views.read_marks),
    path("api/posts/", views.posts),
    path("api/posts/<int:post_id>/comments/", views.post_comments),
]
