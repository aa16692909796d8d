"""The Textual reader app; the only package in briefing that imports textual."""
