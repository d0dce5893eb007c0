"""The questions tracker answers, as plain functions over a session.

No click and no printing here: the CLI parses, calls one of these, and hands
the result to `tracker.render`.
"""
