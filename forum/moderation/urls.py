"""Moderation URLs, named inside the "forum" namespace (forum:moderation-queue, ...)."""

from django.urls import path

from forum.moderation import (
    complaint_views,
    crisis_views,
    expert_views,
    notice_views,
    redaction_views,
    transparency_views,
    views,
)

urlpatterns = [
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/log/", views.log, name="moderation-log"),
    path("moderation/search/", views.comment_search, name="moderation-search"),
    path("moderation/bulk/", views.bulk, name="moderation-bulk"),
    path("moderation/comments/<int:pk>/", views.queue_item, name="moderation-item"),
    path(
        "moderation/comments/<int:pk>/redact/",
        redaction_views.redact,
        name="moderation-redact",
    ),
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
    path("comments/<int:pk>/notice/", notice_views.comment_notice, name="comment-notice"),
    path("notices/sent/", notice_views.notice_sent, name="notice-sent"),
    path("notices/confirm/<str:token>/", notice_views.notice_confirm, name="notice-confirm"),
    # DSA Art. 20 complaints and Art. 22 trusted flaggers (complaint_views.py).
    path("complaints/<int:action_id>/", complaint_views.complaint_new, name="complaint-new"),
    path("reports/<int:pk>/contest/", complaint_views.report_contest, name="report-contest"),
    path(
        "reports/contest/<str:token>/",
        complaint_views.report_contest_visitor,
        name="report-contest-visitor",
    ),
    path("moderation/complaints/", complaint_views.complaints, name="moderation-complaints"),
    path(
        "moderation/complaints/<int:pk>/",
        complaint_views.complaint_decide,
        name="moderation-complaint",
    ),
    path(
        "moderation/trusted-flaggers/",
        complaint_views.trusted_flaggers,
        name="moderation-trusted",
    ),
    path(
        "moderation/trusted-flaggers/<int:pk>/remove/",
        complaint_views.trusted_flagger_remove,
        name="moderation-trusted-remove",
    ),
]
