"""Moderation URLs, named inside the "forum" namespace (forum:moderation-queue, ...)."""

from django.urls import path

from forum.moderation import views

urlpatterns = [
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/log/", views.log, name="moderation-log"),
    path("moderation/bulk/", views.bulk, name="moderation-bulk"),
    path("moderation/comments/<int:pk>/", views.queue_item, name="moderation-item"),
    path(
        "moderation/comments/<int:pk>/<slug:action>/",
        views.comment_action,
        name="moderation-action",
    ),
    path(
        "moderation/members/<int:member_id>/<slug:action>/",
        views.member_action,
        name="moderation-member",
    ),
    path("moderation/sanctions/<int:sanction_id>/lift/", views.lift, name="moderation-lift"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<int:pk>/appeal/", views.comment_appeal, name="comment-appeal"),
]
