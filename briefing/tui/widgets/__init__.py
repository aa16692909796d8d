"""Widgets: take models in, post messages out; they never call the store."""

from briefing.tui.widgets.article import ArticleView
from briefing.tui.widgets.status import StatusLine
from briefing.tui.widgets.story_list import StoryList
from briefing.tui.widgets.textbox import TextBox
from briefing.tui.widgets.thread_list import ThreadList

__all__ = ["ArticleView", "StatusLine", "StoryList", "TextBox", "ThreadList"]
