"""Briefings out (markdown/html/json), feed lists in and out (OPML, newsboat), feeds.toml edits."""
