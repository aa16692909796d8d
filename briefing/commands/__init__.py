"""Subcommands of the `briefing` CLI, one module each."""
