"""The footer, which also says whether its help key is on screen in full."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's Footer; after each layout it posts `HelpCut` when whether the help key
    ("? Help") is offered but cut off changes. Where it is (80 columns in the story list,
    longer key names from feeds.toml), the status line says "? keys" instead: measured on
    the keys as laid out, not guessed from the terminal's width. With a dialog or the help
    up, ? does nothing and the footer leaves it out: nothing is cut then."""

    class HelpCut(Message):
        def __init__(self, cut: bool) -> None:
            super().__init__()
            self.cut = cut

    def __init__(self, *, help_action: str = "help", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.help_action = help_action
        self.help_cut: bool | None = None  # unknown until first laid out

    async def recompose(self) -> None:
        await super().recompose()  # the screen's keys changed (another pane, a dialog)
        self.call_after_refresh(self._measure)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._measure)

    def _measure(self) -> None:
        keys = list(self.query(FooterKey))
        if not keys:
            return  # not composed yet: the bindings are not ready
        palette = [k for k in keys if k.has_class("-command-palette")]
        limit = palette[0].region.x if palette else self.region.right
        helps = [
            k for k in keys
            if k.action == self.help_action and not k.has_class("-command-palette")
        ]  # fmt: skip
        cut = bool(helps) and not any(k.region.width and k.region.right <= limit for k in helps)
        if cut != self.help_cut:
            self.help_cut = cut
            self.post_message(self.HelpCut(cut))
