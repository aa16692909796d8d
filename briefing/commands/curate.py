"""`briefing move`, `merge`, `split`, `rename`: the app's thread curation, for scripts.

Each is stored as the user's decision, exactly as the app's m, M, S and R store it: the thread
engine never moves those stories back nor relabels a renamed thread."""

from __future__ import annotations

import argparse
import sys

from briefing.cli import EXIT_USAGE, Context, add_command, ident, missing_threads, utf8_text
from briefing.sanitize import clean_line
from briefing.textfmt import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    move = add_command(
        subparsers,
        "move",
        "move a story (and its copies) to another thread, or to a new one",
        "briefing move 42 7\nbriefing move 42 --new 'Gas deal talks'",
    )
    move.add_argument("story_id", metavar="STORY_ID", type=ident)
    where = move.add_mutually_exclusive_group(required=True)
    where.add_argument("thread_id", metavar="THREAD_ID", type=ident, nargs="?")
    where.add_argument(
        "--new", metavar="TITLE", type=utf8_text, help="start a new thread with this title"
    )
    move.set_defaults(func=run_move)

    merge = add_command(
        subparsers,
        "merge",
        "merge a thread into another (every story moves; the first thread is gone)",
        "briefing merge 12 3",
    )
    merge.add_argument("thread_id", metavar="THREAD_ID", type=ident)
    merge.add_argument("into", metavar="INTO_ID", type=ident)
    merge.set_defaults(func=run_merge)

    split = add_command(
        subparsers,
        "split",
        "split a thread: a story and every later one go to a new thread",
        "briefing split 42\nbriefing split 42 --title 'Second round of talks'",
    )
    split.add_argument("story_id", metavar="STORY_ID", type=ident)
    split.add_argument(
        "--title", type=utf8_text, help="the new thread's title (default: the story's headline)"
    )
    split.set_defaults(func=run_split)

    rename = add_command(
        subparsers,
        "rename",
        "give a thread your own title (the engine no longer relabels it)",
        "briefing rename 3 'Azerbaijan–Russia crisis'",
    )
    rename.add_argument("thread_id", metavar="THREAD_ID", type=ident)
    rename.add_argument("title", metavar="TITLE", type=utf8_text)
    rename.set_defaults(func=run_rename)


def _fail(command: str, message: str) -> int:
    print(f"briefing {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _title(text: str) -> str | None:
    """A title as given, on one line, without control characters; None when nothing is left."""
    return clean_line(text, 200) or None


def run_move(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        story = store.story(args.story_id)
        if story is None:
            return _fail("move", f"no story {args.story_id} (see `briefing search`)")
        if story.duplicate_of is not None:
            return _fail("move", f"story {story.id} is a copy of {story.duplicate_of}; move that")
        if args.new is not None:
            title = _title(args.new)
            if title is None:
                return _fail("move", "--new needs a title")
            target = store.create_thread(title, by_user=True)
        else:
            if (failed := missing_threads(store, "move", [args.thread_id])) is not None:
                return failed
            target = args.thread_id
        store.move_story(story.id, target)
    print(f"moved story {story.id} to thread {target}")
    return 0


def run_merge(args: argparse.Namespace, ctx: Context) -> int:
    if args.thread_id == args.into:
        return _fail("merge", "a thread cannot be merged into itself")
    with ctx.open_store() as store:
        if (failed := missing_threads(store, "merge", [args.thread_id, args.into])) is not None:
            return failed
        store.merge_threads(args.thread_id, args.into)
    print(f"merged thread {args.thread_id} into thread {args.into}")
    return 0


def run_split(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        story = store.story(args.story_id)
        if story is None or story.thread_id is None:
            return _fail("split", f"no story {args.story_id} in a thread")
        title = _title(args.title) if args.title is not None else _title(story.title)
        if title is None:
            return _fail("split", "--title needs a title")
        result = store.split_thread(story.id, title, user_title=args.title is not None)
        if result is None:
            return _fail(
                "split",
                f"nothing to split: story {story.id} is a copy or its thread's first story"
                " (everything would move)",
            )
        new_id, moved = result
    moved_count = plural(len(moved), "story", "stories")
    print(f"split thread {story.thread_id}: {moved_count} now in thread {new_id}")
    return 0


def run_rename(args: argparse.Namespace, ctx: Context) -> int:
    title = _title(args.title)
    if title is None:
        return _fail("rename", "the title is empty")
    with ctx.open_store() as store:
        if (failed := missing_threads(store, "rename", [args.thread_id])) is not None:
            return failed
        store.rename_thread(args.thread_id, title)
    print(f"renamed thread {args.thread_id}")
    return 0
