"""`briefing mark`, `pin`, `mute`: the app's triage keys, for scripts.

They store exactly what the app's r, s, b, x, A, p and u store, so a story a script marked
shows marked in an open app (within seconds: the app notices other programs' commits)."""

from __future__ import annotations

import argparse
import sys

from briefing.cli import EXIT_USAGE, Context, add_command, ident, missing_threads
from briefing.textfmt import plural

# flag in the store -> (option to set, option to clear, word when set, word when clear), then
# the two options' help
STORY_FLAGS = {
    "read": ("--read", "--unread", "read", "unread"),
    "starred": ("--star", "--unstar", "starred", "not starred"),
    "in_briefing": ("--briefing", "--no-briefing", "in the briefing", "not in the briefing"),
    "hidden": ("--hide", "--unhide", "hidden", "not hidden"),
}
FLAG_HELP = {
    "read": ("mark read", "mark unread"),
    "starred": ("star", "remove the star"),
    "in_briefing": (
        "add to the briefing (what `briefing export --marked` writes)",
        "take out of the briefing",
    ),
    "hidden": ("hide (left out of lists and exports)", "show again"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    mark = add_command(
        subparsers,
        "mark",
        "mark stories read or unread, starred, in the briefing or hidden (the app's r s b x)",
        "briefing mark 42 43 --read --briefing\n"
        "briefing mark 42 --unstar --unhide\n"
        "briefing mark --thread 3 --read          # every story of thread 3 (the app's A)",
    )
    mark.add_argument("story_ids", metavar="STORY_ID", type=ident, nargs="*",
                      help="stories, as `briefing stories` and `briefing search` list them")  # fmt: skip
    mark.add_argument("--thread", metavar="THREAD_ID", type=ident,
                      help="with --read: every story of this thread")  # fmt: skip
    for flag, (on, off, _, _) in STORY_FLAGS.items():
        group = mark.add_mutually_exclusive_group()
        help_on, help_off = FLAG_HELP[flag]
        group.add_argument(on, dest=flag, action="store_const", const=True, help=help_on)
        group.add_argument(off, dest=flag, action="store_const", const=False, help=help_off)
    mark.set_defaults(func=run_mark)

    for flag, verb, what in (
        ("pinned", "pin", "keep a thread at the top of the list, never dormant (the app's p)"),
        ("muted", "mute", "dim a thread; the app's next unread (n) skips it (the app's u)"),
    ):
        parser = add_command(subparsers, verb, what, f"briefing {verb} 3\nbriefing {verb} 3 --off")
        parser.add_argument("thread_id", metavar="THREAD_ID", type=ident)
        parser.add_argument("--off", action="store_true", help=f"un{verb} it")
        parser.set_defaults(func=run_thread_flag, flag=flag, verb=verb)


def _fail(command: str, message: str) -> int:
    print(f"briefing {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_mark(args: argparse.Namespace, ctx: Context) -> int:
    flags = {f: getattr(args, f) for f in STORY_FLAGS if getattr(args, f) is not None}
    if not flags:
        options = ", ".join(f"{on}/{off}" for on, off, _, _ in STORY_FLAGS.values())
        return _fail("mark", f"say what to mark: {options}")
    if args.thread is not None:
        if args.story_ids:
            return _fail("mark", "give story ids or --thread, not both")
        if flags != {"read": True}:
            return _fail("mark", "--thread takes --read only (every story of the thread)")
        with ctx.open_store() as store:
            if (failed := missing_threads(store, "mark", [args.thread])) is not None:
                return failed
            changed = store.mark_thread_read(args.thread)
        print(f"thread {args.thread}: {plural(len(changed), 'story', 'stories')} marked read")
        return 0
    if not args.story_ids:
        return _fail("mark", "give one or more story ids (or --thread THREAD_ID --read)")
    with ctx.open_store() as store:
        # Every id is checked before anything is written: a typo changes nothing.
        missing = [str(i) for i in dict.fromkeys(args.story_ids) if store.story(i) is None]
        if missing:
            return _fail("mark", f"no story {', '.join(missing)} (see `briefing search`)")
        store.set_triage_many(list(dict.fromkeys(args.story_ids)), **flags)  # all or none
    words = ", ".join(STORY_FLAGS[f][2 if v else 3] for f, v in flags.items())
    ids = ", ".join(str(i) for i in dict.fromkeys(args.story_ids))
    print(f"{plural(len(dict.fromkeys(args.story_ids)), 'story', 'stories')} ({ids}): {words}")
    return 0


def run_thread_flag(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        if (failed := missing_threads(store, args.verb, [args.thread_id])) is not None:
            return failed
        store.set_thread_flag(args.thread_id, args.flag, not args.off)
    done = {"pinned": "pinned", "muted": "muted"}[args.flag]
    print(f"{'un' if args.off else ''}{done} thread {args.thread_id}")
    return 0
