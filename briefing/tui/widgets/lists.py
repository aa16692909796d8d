"""The base of the thread and story lists: an OptionList whose cursor stops at the ends."""

from __future__ import annotations

from textual.widgets import OptionList


class StoppingList(OptionList):
    """j/k (and the arrows) stop at the first and last rows instead of wrapping round, as in
    newsboat and mutt: a key held one press too long must not land on the other end of the
    list, where s, b or x would act on a story the user never meant."""

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()
