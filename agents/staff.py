"""Staff texts about their runs: done (with proof), tasks, steps, can't/skip, and help.

The text was read once by the chain's intent agent (agents/person_intent.py): this agent
acts on its typed result (intent, task id, reading, pick, reason) and never parses the text.

Multi-turn state lives in the conversation slots:
    slots["pick"]      {"runs": [ids], "media": [[url, type]], "number": 38, "unit": "F"}
                       a numbered list was sent (the first text's reading waits with it)
    slots["awaiting"]  {"run": id, "kind": photo|number|text, "until": ISO}   done was refused
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from agents.context import ExecutionContext, Media
from agents.person_intent import heard_in
from agents.staff_intent import note_of
from agents.understanding import Understanding
from config.schema import Task
from config.settings import Settings
from integrations.errors import IntegrationError, PermanentError
from integrations.media import Image, MediaTooLarge, fetch_image, proof_dir, store_image
from recurring.completion import (complete_run, complete_with_reading, hand_to_backup, open_run, open_runs_for,
                                  photo_used_for, record_proof)
from recurring.proof import Reading, proof_kind, what_to_send
from store.models import Run

PROOF_WAIT = timedelta(minutes=15)
LISTED = 4  # runs in a numbered list: keeps a reply near 320 characters
HELP = ("Text DONE when a task is finished (with its photo, reading or note), TASKS for what's open, "
        "STEPS for how, or SKIP and why to hand it to your backup.")
NOTHING_OPEN = "Nothing is open for you right now."
# One short question for a text that may have meant a state change but wasn't sure enough to make
# it (agents/understanding/blend.py): what to reply to make it, and that nothing changed.
UNSURE: dict[str, Callable[[Task | None], str]] = {
    "done": lambda task: (f"Not sure I got that. If {task.title} is done, reply DONE"
                          f"{'' if proof_kind(task) == 'none' else ' with ' + what_to_send(task)}. Nothing changed."
                          if task else "Not sure I got that. If a task is done, reply DONE. Nothing changed."),
    "excuse": lambda task: ("Not sure I got that. To excuse a task, reply its code, x and why, e.g. 3x closed "
                            "today. Nothing changed."),
    "reassign": lambda task: ("Not sure I got that. To give a task to someone, reply its code, r and a name, "
                              "e.g. 3r sam. Nothing changed."),
}
# The intents this agent answers; any other that reaches it (an answer to a finding by its
# code, a manager's bare "ok") is one it can't act on.
OWN = frozenset({"done", "tasks", "steps", "skip", "not_yet", "question", "unclear"})


def _app_settings() -> Settings:
    from runtime import current_runtime  # the app's settings, for media fetching

    return current_runtime().settings


class StaffAgent:
    name = "staff"

    def __init__(self, settings: Callable[[], Settings] = _app_settings):
        self.settings = settings

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        heard = heard_in(ctx, session)
        kind = heard.intent if heard.intent in OWN and heard.code is None else "unclear"
        if kind == "unclear" and _awaiting(ctx, "text"):
            kind = "done"  # the note a refused DONE asked for
        getattr(self, f"_{kind}")(ctx, session, heard)
        ctx.state = _state_of(ctx.slots)
        return ctx

    # -- the commands, one method each -------------------------------------------------

    def _tasks(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        runs = _my_runs(ctx, session)
        ctx.reply(f"Open for you: {_numbered(ctx, runs)}" if runs else NOTHING_OPEN)
        ctx.outcome = "tasks_listed"

    _question = _tasks

    def _steps(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        runs = _my_runs(ctx, session)
        run = _named_or_first(runs, heard.task)
        ctx.outcome = "steps_sent"
        if run is None:
            ctx.reply(NOTHING_OPEN)
            return
        task = ctx.tenant.task(run.task)
        steps = " ".join(f"{i}. {s}" for i, s in enumerate(task.steps if task else (), 1))
        send = f" Then text DONE with {what_to_send(task)}." if task and proof_kind(task) != "none" else ""
        ctx.reply(f"{run.title}: {steps or 'no steps written down.'}{send}")

    def _skip(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        run = self._chosen_run(ctx, session, heard)
        if run is None:
            return
        ctx.slots.pop("pick", None)
        if not heard.note:
            ctx.reply(f"Tell me why, e.g. SKIP {run.title.split()[0].lower()} out of supplies.")
            ctx.outcome = "skip_needs_reason"
            return
        backup = hand_to_backup(session, ctx.tenant, run, heard.note, ctx.now, ctx.interaction_id)
        ctx.outcome = "handed_to_backup" if backup else "no_backup"
        ctx.reply(f"OK, {run.title} is with {backup.name} now." if backup else
                  f"{run.title} has no backup, so it stays with you. Please tell your manager.")

    def _not_yet(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        ctx.reply("OK. Text DONE when it's finished.")
        ctx.outcome = "not_yet"

    def _unclear(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        if heard.unsure_of in UNSURE:  # it may have been a state change: ask, change nothing
            runs = _my_runs(ctx, session)
            run = _named_or_first(runs, heard.task)
            ctx.reply(UNSURE[heard.unsure_of](ctx.tenant.task(run.task) if run else None))
            ctx.outcome = "asked_to_confirm"
            return
        ctx.reply(f"Hi {ctx.actor.person.name.split()[0]}, I couldn't act on that. {HELP}")
        ctx.outcome = "not_understood"

    def _done(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> None:
        run = self._chosen_run(ctx, session, heard)
        if run is None:
            return
        heard, media = _with_picked(ctx, heard)
        ctx.slots.pop("pick", None)
        self.prove(ctx, session, run, heard, media)

    # -- which run -----------------------------------------------------------------------

    def _chosen_run(self, ctx: ExecutionContext, session: Session, heard: Understanding) -> Run | None:
        runs = _my_runs(ctx, session)
        if not runs:
            ctx.slots.pop("pick", None)
            ctx.reply(NOTHING_OPEN)
            ctx.outcome = "nothing_open"
            return None
        if "task" in heard.dropped:  # a model named a task that isn't theirs: no guessing
            ctx.reply(f"That task isn't one of yours, so nothing changed. Open for you: {_numbered(ctx, runs)}")
            ctx.outcome = "task_not_theirs"
            return None
        run = _picked(ctx, session, heard) or _only(_named(runs, heard.task))
        run = run or _awaited(ctx, session) or _only(runs) or _only(_fitting(ctx, runs, heard))
        if run is None:
            _ask_which(ctx, runs, heard)
        return run

    # -- proof by kind -------------------------------------------------------------------

    def prove(self, ctx: ExecutionContext, session: Session, run: Run, heard: Understanding,
              media: tuple[Media, ...]) -> None:
        """Complete `run` with the proof its task asks for (DONE, or an owner's `3d` answer):
        the photo sent, the reading understood, or the note (an answer's words, else the text)."""
        task = ctx.tenant.task(run.task)
        kind = proof_kind(task) if task else "none"
        getattr(self, f"_prove_{kind}")(ctx, session, run, task, heard, media)

    def _prove_none(self, ctx, session, run: Run, task: Task | None, heard: Understanding, media) -> None:
        self._complete(ctx, session, run, [])

    def _prove_text(self, ctx, session, run: Run, task: Task, heard: Understanding, media) -> None:
        note = heard.note or _note(ctx.text, task, run)
        if not note:
            return self._refuse(ctx, run, task, "text")
        record_proof(session, run, ctx.now, "text", value=note)
        self._complete(ctx, session, run, [])

    def _prove_number(self, ctx, session, run: Run, task: Task, heard: Understanding, media) -> None:
        reading = Reading(heard.number, heard.unit) if heard.number is not None else None
        if reading is None:
            return self._refuse(ctx, run, task, "number")
        flags, unit = complete_with_reading(session, ctx.tenant, run, ctx.actor.person, reading, ctx.now,
                                            ctx.interaction_id)
        self._thank(ctx, run, flags, f"{reading.text} {unit}".strip())
        if "out_of_range" in flags:
            rule = task.proof.number
            ctx.reply(f"{reading.text} {unit} is outside {rule.min:g} to {rule.max:g}: "
                      "I've told the manager.")

    def _prove_photo(self, ctx, session, run: Run, task: Task, heard: Understanding,
                     photos: tuple[Media, ...]) -> None:
        if not photos:
            return self._refuse(ctx, run, task, "photo")
        try:
            image = self._photo(ctx, photos[0].url)
        except IntegrationError as exc:
            return self._photo_failed(ctx, run, exc)
        used = photo_used_for(session, ctx.tenant.tenant, image.sha256, run.id)
        if used is not None:
            ctx.reply(f"That photo was already used for {used.title}. "
                      f"Please send a new photo of {run.title}.")
            ctx.outcome = "photo_reused"
            return
        path = store_image(image, proof_dir(self.settings()), ctx.tenant.tenant)
        flags = ["photo_older_than_slot"] if _older_than_slot(ctx, image.taken_at, run) else []
        record_proof(session, run, ctx.now, "photo", media_path=str(path), sha256=image.sha256, flags=flags)
        self._complete(ctx, session, run, flags)

    def _photo(self, ctx: ExecutionContext, url: str) -> Image:
        """The photo at `url`: fetched before the transaction (conversation/intake.py), or now
        (a photo sent with an earlier text, waiting with a numbered list)."""
        fetched = ctx.fetched.get(url) or fetch_image(url, self.settings())
        if isinstance(fetched, IntegrationError):
            raise fetched
        return fetched

    def _photo_failed(self, ctx: ExecutionContext, run: Run, exc: IntegrationError) -> None:
        if isinstance(exc, MediaTooLarge):
            ctx.reply(f"That photo is over 5 MB. Please send a smaller photo of {run.title}.")
        elif isinstance(exc, PermanentError):
            ctx.reply(f"I can only take a photo (JPEG, PNG, GIF, WebP or HEIC) for {run.title}. "
                      "Please send one.")
        else:
            ctx.reply("I couldn't download your photo. Please send it again.")
        _await(ctx, run, "photo")
        ctx.outcome = "photo_refused"

    def _refuse(self, ctx: ExecutionContext, run: Run, task: Task, kind: str) -> None:
        example = {"photo": "", "number": " e.g. DONE 38", "text": " e.g. DONE and what you noticed"}[kind]
        ctx.reply(f"{run.title} needs {what_to_send(task)} to count as done. Send it{example} "
                  f"(within 15 minutes for a photo). It stays open until then.")
        _await(ctx, run, kind)
        ctx.outcome = "proof_missing"

    def _complete(self, ctx, session, run: Run, flags: list[str]) -> None:
        complete_run(session, ctx.tenant, run, ctx.actor.person.id, ctx.now, flags)
        self._thank(ctx, run, flags)

    def _thank(self, ctx, run: Run, flags: list[str], value: str = "") -> None:
        ctx.slots.pop("awaiting", None)
        late = " (late)" if run.state == "late" else ""
        recorded = f": {value} recorded" if value else ""
        noted = " The photo looks older than this task's time, so it's flagged." if (
            "photo_older_than_slot" in flags) else ""
        first_name = ctx.actor.person.name.split()[0]
        ctx.reply(f"Thanks {first_name}, {run.title} is done{late}{recorded}.{noted}")
        ctx.outcome = f"run_{run.state}"


# -- helpers ---------------------------------------------------------------------------

def _state_of(slots: dict) -> str:
    return "awaiting_proof" if "awaiting" in slots else "picking_run" if "pick" in slots else "idle"


def _my_runs(ctx: ExecutionContext, session: Session) -> list[Run]:
    return open_runs_for(session, ctx.tenant.tenant, ctx.actor.person.id)


def _only(runs: list[Run]) -> Run | None:
    return runs[0] if len({r.task for r in runs}) == 1 else None


def _named(runs: list[Run], task: str | None) -> list[Run]:
    return [r for r in runs if task and r.task == task]


def _name_words(task: Task | None, run: Run) -> set[str]:
    title = task.title if task else run.title
    words = {w for w in title.casefold().replace("-", " ").split() if len(w) > 3}
    return words | {run.task, *run.task.split("-")}


def _fitting(ctx: ExecutionContext, runs: list[Run], heard: Understanding) -> list[Run]:
    """Runs whose proof fits what was sent: a photo, or a reading."""
    wanted = "photo" if ctx.interaction.media else "number" if heard.number is not None else None
    tasks = {r.task: ctx.tenant.task(r.task) for r in runs}
    return [r for r in runs if wanted and tasks[r.task] and proof_kind(tasks[r.task]) == wanted]


def _picked(ctx: ExecutionContext, session: Session, heard: Understanding) -> Run | None:
    pick = ctx.slots.get("pick")
    if not pick or heard.pick is None or not 1 <= heard.pick <= len(pick["runs"]):
        return None
    return open_run(session, ctx.tenant.tenant, pick["runs"][heard.pick - 1])


def _with_picked(ctx: ExecutionContext, heard: Understanding) -> tuple[Understanding, tuple[Media, ...]]:
    """What to act on and the photos: an answer to a list carries the first message's reading
    ("2 done 38" gives its own; a bare "2" is a line number, not a reading)."""
    pick = ctx.slots.get("pick")
    if not pick or heard.pick is None:
        return heard, ctx.interaction.media
    saved = tuple(Media(url, kind) for url, kind in pick["media"])
    if pick.get("number") is not None:
        heard = replace(heard, number=pick["number"], unit=pick.get("unit"))
    elif ctx.text.strip(" #.):-") == str(heard.pick):
        heard = replace(heard, number=None, unit=None)
    return heard, ctx.interaction.media or saved


def _awaited(ctx: ExecutionContext, session: Session) -> Run | None:
    waiting = ctx.slots.get("awaiting")
    if not waiting or ctx.now > datetime.fromisoformat(waiting["until"]):
        return None
    if waiting["kind"] == "photo" and not ctx.interaction.media:
        return None
    return open_run(session, ctx.tenant.tenant, waiting["run"])


def _awaiting(ctx: ExecutionContext, kind: str) -> bool:
    waiting = ctx.slots.get("awaiting")
    return bool(waiting and waiting["kind"] == kind and ctx.now <= datetime.fromisoformat(waiting["until"]))


def _await(ctx: ExecutionContext, run: Run, kind: str) -> None:
    ctx.slots["awaiting"] = {"run": run.id, "kind": kind, "until": (ctx.now + PROOF_WAIT).isoformat()}


def _ask_which(ctx: ExecutionContext, runs: list[Run], heard: Understanding) -> None:
    ctx.slots["pick"] = {"runs": [r.id for r in runs],
                         "media": [[m.url, m.content_type] for m in ctx.interaction.media],
                         "number": heard.number, "unit": heard.unit}
    ctx.reply(f"Which one? {_numbered(ctx, runs)} Reply with its number.")
    ctx.outcome = "asked_which_run"


def _numbered(ctx: ExecutionContext, runs: list[Run]) -> str:
    """ "1. Opening checklist (due 9:30 AM) 2. ...", at most LISTED, to stay one or two texts."""
    listed = " ".join(f"{i}. {r.title} (due {_clock(ctx, r.due_at)})" for i, r in enumerate(runs[:LISTED], 1))
    return listed + (f" (+{len(runs) - LISTED} more)" if len(runs) > LISTED else "")


def _clock(ctx: ExecutionContext, moment: datetime) -> str:
    local, today = moment.astimezone(ctx.tenant.zone), ctx.now.astimezone(ctx.tenant.zone).date()
    clock = local.strftime("%I:%M %p").lstrip("0")
    return clock if local.date() == today else f"{local:%a} {clock}"


def _named_or_first(runs: list[Run], task: str | None) -> Run | None:
    """The run of the task the text named, else the first open one, else none."""
    return (_named(runs, task) or runs or [None])[0]


def _note(text: str, task: Task, run: Run) -> str:
    note = note_of(text)
    leftover = set(note.casefold().replace(",", " ").split()) - _name_words(task, run) - {"done"}
    return note if leftover else ""


def _older_than_slot(ctx: ExecutionContext, taken_at: datetime | None, run: Run) -> bool:
    return taken_at is not None and taken_at.replace(tzinfo=ctx.tenant.zone) < run.slot

