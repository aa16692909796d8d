"""Crisis threads: group news items from many outlets into threads, online (placeholder doc)."""

from briefing.threads.engine import Decision, Item, ThreadEngine
from briefing.threads.params import EngineParams

__all__ = ["Decision", "EngineParams", "Item", "ThreadEngine"]
