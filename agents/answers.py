"""Answers to escalation texts, by the reply code the text carried (recurring/codes.py).

    "3t", "take 3", "on it", "I'll do it"   anyone texted about run 3 takes it: the chain pauses
    "3x supplier late", "excuse 3 ..."       an owner or manager excuses it, with the reason
    "3r sam", "give 3 to sam"                an owner or manager gives it to someone else
    "3d" with the proof                      an owner, a manager or whoever has it: done

The text was read once by the chain's intent agent (agents/person_intent.py): an answer is
a take, excuse, reassign or done with a code (not a finding's "4o"), or a bare take.
A bare answer ("on it", "excuse it, she's sick", "have Sam do it") acts on the sender's one open run;
with several, on the one whose task the text names, else it asks which, listing them.
An unknown or stale code gets a clear reply and changes nothing. A text that is no answer,
or answers a finding, passes on with ctx.outcome left "pending" (the owner and staff agents
come next in the chain).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import ExecutionContext
from agents.person_intent import heard_in
from agents.staff import StaffAgent
from agents.understanding import Understanding
from agents.understanding.staff import ANSWER_LETTERS
from config.schema import Person
from confirmations.length import shorten
from recurring.codes import CodeRow, closed_text, item_for_code, open_codes
from recurring.completion import open_run
from recurring.escalation import excuse_run, reassign_run, take_run
from recurring.escalation_texts import DECIDERS, clock, fit
from recurring.proof import proof_kind, what_to_send
from store.models import Finding, Run

LISTED = 4
ACTIONS = frozenset({"take", "excuse", "reassign", "done"})
BARE = frozenset({"take", "excuse", "reassign"})  # answers that may name no code: "excuse it"
EXAMPLES = {"take": "", "excuse": " and why", "reassign": " and a name"}
NEEDS_PROOF = {"photo": "{n}d with the photo", "number": "{n}d and the reading, e.g. {n}d 38",
               "text": "{n}d and a short note"}


class AnswersAgent:
    name = "answers"

    def __init__(self, staff: StaffAgent | None = None):
        self.staff = staff or StaffAgent()  # completes a run with its proof, as for DONE

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        answer = heard_in(ctx, session) if ctx.actor.person is not None else None
        if answer is None or not is_answer(answer):
            return ctx
        code = self._which(ctx, session, answer)
        if code is None or code.kind != "run":
            return ctx
        run = open_run(session, ctx.tenant.tenant, code.item_id)
        if run is None:  # closed since the code was read
            ctx.reply(f"#{code.number} is already closed. Nothing changed.")
            ctx.outcome = "answer_stale"
            return ctx
        getattr(self, f"_{answer.intent}")(ctx, session, run, code.number, answer)
        return ctx

    # -- which item -------------------------------------------------------------------------

    def _which(self, ctx: ExecutionContext, session: Session, answer: Understanding) -> CodeRow | None:
        """The item answered: by its code, or the sender's only open one. A finding's is passed on."""
        person = ctx.actor.person
        if answer.code is None:
            return self._bare(ctx, session, open_codes(session, ctx.tenant.tenant, person.id), answer)
        code = item_for_code(session, ctx.tenant.tenant, person.id, answer.code)
        if code is None:
            self._unknown(ctx, session, answer.code)
        elif code.kind == "run" and not code.open:
            by = ctx.tenant.person(code.closed_by) if code.closed_by else None
            ctx.reply(f"{closed_text(code, first_name(by) if by else None)} Nothing changed.")
            ctx.outcome = "answer_stale"
            return None
        return code

    def _bare(self, ctx: ExecutionContext, session: Session, items: list[CodeRow],
              answer: Understanding) -> CodeRow | None:
        """ "on it", "excuse it", "have Sam do it": the one open item, or the one whose task the text
        names; with several, ask which; with none, not an answer."""
        if answer.intent != "take":  # only a run can be excused or given away
            items = [i for i in items if i.kind == "run"]
        if len(items) > 1 and answer.task:
            named = _of_task(session, items, answer.task)
            items = named or items
        if len(items) == 1:
            return items[0]
        if items:
            letter = ANSWER_LETTERS[answer.intent]
            ctx.reply(fit(f"Which one? {listing(session, ctx, items)}. Reply with its number and {letter}, "
                          f"e.g. {items[0].number}{letter}{EXAMPLES[answer.intent]}. Nothing changed."))
            ctx.outcome = "asked_which_item"
        return None

    def _unknown(self, ctx: ExecutionContext, session: Session, number: int) -> None:
        items = open_codes(session, ctx.tenant.tenant, ctx.actor.person.id)
        open_now = f" Open for you: {listing(session, ctx, items)}." if items else " Nothing is open for you."
        ctx.reply(fit(f"#{number} isn't one of your codes.{open_now} Nothing changed."))
        ctx.outcome = "answer_unknown_code"

    # -- the actions, one method each ---------------------------------------------------------

    def _take(self, ctx: ExecutionContext, session: Session, run: Run, n: int, answer: Understanding) -> None:
        take_run(session, ctx.tenant, run, ctx.actor.person, ctx.now, ctx.interaction_id)
        task = ctx.tenant.task(run.task)
        proof = f" with {what_to_send(task)}" if task and proof_kind(task) != "none" else ""
        ctx.reply(f"OK {first_name(ctx.actor.person)}, #{n} {shorten(run.title, 80)} is yours. "
                  f"Text DONE{proof} when it's finished; I'll check again at "
                  f"{clock(run.escalate_at, ctx.now, ctx.tenant)}.")
        ctx.outcome = "run_taken"

    def _excuse(self, ctx: ExecutionContext, session: Session, run: Run, n: int, answer: Understanding) -> None:
        if not self._decides(ctx, n, "excuse it"):
            return
        if not answer.note:
            ctx.reply(f"Say why, e.g. {n}x supplier didn't come. #{n} stays open.")
            ctx.outcome = "excuse_needs_reason"
            return
        excuse_run(session, ctx.tenant, run, ctx.actor.person, answer.note, ctx.now, ctx.interaction_id)
        ctx.reply(fit(f"OK, #{n} {shorten(run.title, 80)} is excused: {answer.note}. "
                      "Everyone texted about it has been told."))
        ctx.outcome = "run_excused"

    def _reassign(self, ctx: ExecutionContext, session: Session, run: Run, n: int,
                  answer: Understanding) -> None:
        if not self._decides(ctx, n, "reassign it"):
            return
        person = ctx.tenant.person(answer.person) if answer.person else None
        if person is None:
            names = ", ".join(p.id for p in ctx.tenant.people)
            ctx.reply(fit(f"Who should have #{n}? Reply {n}r and one of: {names}. Nothing changed."))
            ctx.outcome = "reassign_unknown_person"
            return
        reassign_run(session, ctx.tenant, run, ctx.actor.person, person, ctx.now, ctx.interaction_id)
        ctx.reply(fit(f"OK, #{n} {shorten(run.title, 80)} is with {person.name} now; I've texted them."))
        ctx.outcome = "run_reassigned"

    def _done(self, ctx: ExecutionContext, session: Session, run: Run, n: int, answer: Understanding) -> None:
        person = ctx.actor.person
        if person.id != run.assignee and not self._decides(ctx, n, "mark it done"):
            return
        task = ctx.tenant.task(run.task)
        kind = proof_kind(task) if task else "none"
        missing = {"photo": not ctx.interaction.media, "number": answer.number is None, "text": not answer.note}
        if missing.get(kind):
            ctx.reply(f"#{n} {shorten(run.title, 80)} needs {what_to_send(task)} to count as done: "
                      f"send {NEEDS_PROOF[kind].format(n=n)}. It stays open.")
            ctx.outcome = "proof_missing"
            return
        self.staff.prove(ctx, session, run, answer, ctx.interaction.media)

    def _decides(self, ctx: ExecutionContext, n: int, what: str) -> bool:
        if ctx.actor.person.role in DECIDERS:
            return True
        ctx.reply(f"Only the owner or a manager can {what}. Reply {n}t to take it. Nothing changed.")
        ctx.outcome = "answer_not_allowed"
        return False


def listing(session: Session, ctx: ExecutionContext, items: list[CodeRow]) -> str:
    """ "#2 Opening checklist (9:00 AM), #1 finding: ..." for the first LISTED items."""
    runs = {r.id: r for r in session.scalars(select(Run).where(
        Run.id.in_([i.item_id for i in items if i.kind == "run"])))}
    findings = {fid: summary for fid, summary in session.execute(select(Finding.id, Finding.summary).where(
        Finding.id.in_([i.item_id for i in items if i.kind == "finding"])))}
    shown = []
    for item in items[:LISTED]:
        run = runs.get(item.item_id) if item.kind == "run" else None
        what = (f"{shorten(run.title, 40)} ({clock(run.slot, ctx.now, ctx.tenant)})" if run else
                f"finding: {shorten(findings.get(item.item_id, ''), 40)}")
        shown.append(f"#{item.number} {what}")
    more = f" (+{len(items) - LISTED} more)" if len(items) > LISTED else ""
    return ", ".join(shown) + more


def is_answer(heard: Understanding) -> bool:
    """An answer to a run's escalation: "3t", "excuse 3 ..." (not a finding's "4o sam"), or one in words
    without a code ("on it", "excuse it, she's sick", "have Sam do it")."""
    if heard.intent not in ACTIONS:
        return False
    return heard.letter != "o" if heard.code is not None else heard.intent in BARE


def _of_task(session: Session, items: list[CodeRow], task: str) -> list[CodeRow]:
    runs = set(session.scalars(select(Run.id).where(Run.id.in_([i.item_id for i in items]), Run.task == task)))
    return [i for i in items if i.item_id in runs]


def first_name(person: Person) -> str:
    return person.name.split()[0]
