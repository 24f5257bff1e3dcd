"""Moderation URLs, named inside the "forum" namespace (forum:moderation-queue, ...)."""

from django.urls import path

from forum.moderation import crisis_views, expert_views, transparency_views, views

urlpatterns = [
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/log/", views.log, name="moderation-log"),
    path("moderation/search/", views.comment_search, name="moderation-search"),
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
    path(
        "moderation/crisis/<int:pk>/<slug:action>/",
        crisis_views.crisis_action,
        name="moderation-crisis",
    ),
    path("moderation/on-call/", crisis_views.on_call, name="moderation-on-call"),
    path("support/", crisis_views.support, name="support"),
    path("moderation/experts/", expert_views.moderation_experts, name="moderation-experts"),
    path(
        "moderation/experts/<int:pk>/<slug:action>/",
        expert_views.moderation_expert_action,
        name="moderation-expert-action",
    ),
    path("transparency/", transparency_views.transparency_page, name="transparency"),
    path(
        "transparency/report.json", transparency_views.transparency_json, name="transparency-json"
    ),
    path(
        "transparency/report.schema.json",
        transparency_views.transparency_schema,
        name="transparency-schema",
    ),
    path("experts/", expert_views.experts_info, name="experts"),
    path("experts/apply/", expert_views.expert_apply, name="expert-apply"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<int:pk>/appeal/", views.comment_appeal, name="comment-appeal"),
]
