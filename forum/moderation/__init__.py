"""Moderation: one module per concern, each state change one typed function that runs in
one transaction and writes its ModerationAction row there.

screening  what happens to a new or edited comment before it is stored
reports    members' reports, the automatic hide, reopening after an edit
decisions  a moderator's decisions on a comment (approve, hide, remove, dismiss, restore)
appeals    an author's appeal against a removal
sanctions  suspensions, bans and notes on members
queue      what waits for a decision, and the log (reads only)
alerts     emails about items that waited too long
emails     rendering moderation emails, sent after commit by the site's email task
views, forms, urls, tasks: the moderation pages and their background work
"""
