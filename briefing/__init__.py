"""briefing: a terminal news-briefing reader for journalists who cover the Caucasus."""

__version__ = "0.1.0"
