"""Texts from owners and managers: the view of right now, findings, and their answers.

    "today"                              open, late and escalated runs, most urgent first
    "findings"                           the open findings, with their reply codes
    "4a", "4 ok", or "ok" / "got it"     acknowledge finding 4 (a bare ok: an owner's, when one is open)
    "4o sam", "give cooler to sam"       who does the task from its next run on

The text was read once by the chain's intent agent (agents/person_intent.py; the words are
agents/owner_intent.py's). A bare acknowledgement closes a finding only when the reading is
sure ("ok", "got it", not "thanks"). Anything else, and anything from staff, passes through
with the outcome left "pending" for the next agent (staff texting TODAY get their own tasks
from the staff agent).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import ExecutionContext
from agents.owner_intent import OWNER_ROLES
from agents.owner_texts import findings_text, today_text
from agents.person_intent import heard_in
from agents.understanding import Understanding
from agents.understanding.staff import SURE
from config.schema import Person, Task
from confirmations.length import shorten
from confirmations.outbox import queue_message
from recurring.codes import CodeKey, assign_codes, closed_text, item_for_code
from recurring.findings import MAX_TEXT, close_finding, open_finding, open_findings
from recurring.owners import load_overrides, owner_of, set_owner
from store.models import Finding

ASKS = frozenset({"today", "findings", "acknowledge", "reassign"})


class OwnerAgent:
    name = "owner"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        person = ctx.actor.person
        if person is None or person.role not in OWNER_ROLES:
            return ctx
        ask = heard_in(ctx, session)
        if ask.intent in ASKS and not _ignored(ask, person):
            getattr(self, f"_{ask.intent}")(ctx, session, ask)
        return ctx

    def _today(self, ctx: ExecutionContext, session: Session, ask: Understanding) -> None:
        ctx.reply(today_text(session, ctx.tenant, ctx.now))
        ctx.outcome = "today_sent"

    def _findings(self, ctx: ExecutionContext, session: Session, ask: Understanding) -> None:
        findings = open_findings(session, ctx.tenant.tenant)
        keys = [CodeKey(ctx.tenant.tenant, ctx.actor.person.id, "finding", f.id) for f in findings]
        codes = assign_codes(session, keys, ctx.now)
        ctx.reply(findings_text(findings, [codes[key] for key in keys]))
        ctx.outcome = "findings_sent"

    def _acknowledge(self, ctx: ExecutionContext, session: Session, ask: Understanding) -> None:
        finding = self._answered(ctx, session, ask)
        if finding is None:
            return
        close_finding(session, ctx.tenant, finding, "acknowledged", ctx.actor.person.id, ctx.now)
        ctx.reply(f"Noted, finding closed: {shorten(finding.summary, 200)} "
                  "I'll tell you if it starts again.")
        ctx.outcome = "finding_acknowledged"

    def _reassign(self, ctx: ExecutionContext, session: Session, ask: Understanding) -> None:
        finding = self._answered(ctx, session, ask) if ask.code is not None else None
        if ask.code is not None and finding is None:
            return
        task_id = finding.task if finding else ask.task
        task = ctx.tenant.task(task_id) if task_id else None
        if task is None:
            return self._unknown_task(ctx, ask, finding)
        person = ctx.tenant.person(ask.person) if ask.person else None
        if person is None:
            return self._unknown_person(ctx, ask, task)
        current = owner_of(ctx.tenant, task, load_overrides(session, [ctx.tenant.tenant]))
        if person.id == current:
            ctx.reply(f"{person.name} already does {task.title}. Nothing changed.")
            ctx.outcome = "owner_unchanged"
            return
        self._give(ctx, session, task, person)
        finding = finding or open_task_finding(session, ctx.tenant.tenant, task.id)
        if finding is not None:
            close_finding(session, ctx.tenant, finding, "reassigned", ctx.actor.person.id, ctx.now, person.id)

    def _give(self, ctx: ExecutionContext, session: Session, task: Task, person: Person) -> None:
        set_owner(session, ctx.tenant, task, person.id, ctx.actor.person.id, ctx.now)
        if person.id != ctx.actor.person.id:
            queue_message(session, tenant=ctx.tenant.tenant, to=person.phone, from_=ctx.tenant.numbers[0],
                          body=f"{ctx.actor.person.name} gave you {task.title}: from its next run, "
                               "the reminders come to you.",
                          purpose="notice", interaction_id=ctx.interaction_id)
        ctx.reply(f"OK: {person.name} does {task.title} from its next run. Runs open now stay as they are.")
        ctx.outcome = "owner_changed"

    # -- which finding, task or person ---------------------------------------------------

    def _answered(self, ctx: ExecutionContext, session: Session, ask: Understanding) -> Finding | None:
        """The finding an answer is about: by its code, or the only open one."""
        if ask.code is not None:
            return self._coded(ctx, session, ask.code)
        findings = open_findings(session, ctx.tenant.tenant)
        if len(findings) > 1:
            self._findings(ctx, session, ask)
            ctx.outcome = "asked_which_finding"
        return findings[0] if len(findings) == 1 else None

    def _coded(self, ctx: ExecutionContext, session: Session, code: int) -> Finding | None:
        row = item_for_code(session, ctx.tenant.tenant, ctx.actor.person.id, code)
        is_finding = row is not None and row.kind == "finding"
        finding = open_finding(session, ctx.tenant.tenant, row.item_id) if is_finding and row.open else None
        if finding is None and is_finding and not row.open:
            by = ctx.tenant.person(row.closed_by) if row.closed_by else None
            ctx.reply(closed_text(row, by.name if by else None))
            ctx.outcome = "finding_already_answered"
        elif finding is None:
            ctx.reply(f"{code} isn't an open finding. Text FINDINGS for the open ones.")
            ctx.outcome = "finding_unknown"
        return finding

    def _unknown_task(self, ctx: ExecutionContext, ask: Understanding, finding: Finding | None) -> None:
        if finding is not None:  # about a person, or a task no longer in the tenant file
            ctx.reply(f"#{ask.code} isn't about one task, so there's none to give. Reply {ask.code}A to "
                      "close it, or give a task by name, e.g. GIVE COOLER TO SAM.")
        else:
            ids = ", ".join(t.id for t in ctx.tenant.tasks)
            asked = f"I don't know a task called {ask.task_words!r}." if ask.task_words else "Which task?"
            ctx.reply(shorten(f"{asked} Tasks: {ids}.", MAX_TEXT))
        ctx.outcome = "owner_task_unknown"

    def _unknown_person(self, ctx: ExecutionContext, ask: Understanding, task: Task) -> None:
        names = ", ".join(p.name.split()[0] for p in ctx.tenant.people)
        named = ask.person_words
        asked = f"No one here is called {named!r}." if named else f"Who should do {task.title}?"
        answer = f"Reply {ask.code}O and a name" if ask.code is not None else "People here"
        ctx.reply(shorten(f"{asked} {answer}: {names}.", MAX_TEXT))
        ctx.outcome = "owner_person_unknown"


def _ignored(ask: Understanding, person: Person) -> bool:
    """A bare "ok" counts only from an owner (findings are texted to owners), and only when the
    reading is sure: "thanks" or "ok thanks" after TODAY is politeness, not an answer."""
    return ask.intent == "acknowledge" and ask.code is None and (person.role != "owner" or ask.confidence < SURE)


def open_task_finding(session: Session, tenant: str, task: str) -> Finding | None:
    query = select(Finding).where(Finding.tenant == tenant, Finding.task == task, Finding.state == "open")
    return session.scalar(query.with_for_update())
