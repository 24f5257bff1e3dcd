from django.urls import path

from forum import notification_views, views
from forum.feeds import ArticleCommentsFeed
from forum.moderation import urls as moderation_urls

app_name = "forum"

urlpatterns = [
    path("science/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("science/<slug:slug>/comments/feed/", ArticleCommentsFeed(), name="comment-feed"),
    path("science/<slug:slug>/follow/", views.article_follow, name="article-follow"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/react/", views.comment_react, name="comment-react"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/read/", notification_views.notifications_read_all, name="notifications-read"
    ),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification-open"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification-read",
    ),
]

# Moderation keeps its own module but shares the "forum" namespace
# (forum:moderation-queue, forum:comment-report, ...).
urlpatterns += moderation_urls.urlpatterns
