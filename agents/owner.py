"""Texts from owners and managers: the view of right now, findings, and their answers.

    "today"                              open, late and escalated runs, most urgent first
    "findings"                           the open findings, with their reply codes
    "4a", "4 ok", or "ok" / "got it"     acknowledge finding 4 (a bare ok: an owner's, when one is open)
    "4o sam", "give cooler to sam"       who does the task from its next run on

Anything else, and anything from staff, passes through with the outcome left "pending"
for the next agent (staff texting TODAY get their own tasks from the staff agent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import ExecutionContext
from agents.owner_texts import findings_text, today_text
from config.schema import Person, Task, Tenant
from confirmations.outbox import queue_message
from recurring.codes import CodeKey, assign_codes, closed_text, item_for_code
from recurring.findings import MAX_TEXT, close_finding, open_finding, open_findings, shorten
from recurring.owners import load_overrides, owner_of, set_owner
from store.models import Finding

OWNER_ROLES = frozenset({"owner", "manager"})
# Only words that can't just be politeness ("thanks" after TODAY must not close a finding).
ACKS = frozenset({"ok", "okay", "got it", "ok got it", "ack", "acknowledged", "noted", "👍"})
CODED = re.compile(r"^#?(?P<code>\d{1,3})\s*(?:(?P<ack>a|ack|ok|okay|got it)|[or]\b[\s:,.;-]*(?:to\s+)?(?P<name>.*))$")
GIVE = re.compile(r"^(?:give|assign|move|hand|switch)\s+(?:the\s+)?(?P<task>.+?)\s+to\s+(?P<name>\S+)$")


@dataclass(frozen=True)
class OwnerAsk:
    kind: str  # today | findings | acknowledge | reassign
    code: int | None = None
    task: str = ""  # words naming a task ("cooler")
    name: str = ""  # a person's id or first name


BARE_ACK = OwnerAsk("acknowledge")  # "ok": findings are texted to owners, so only theirs counts


def parse_owner_text(text: str) -> OwnerAsk | None:
    folded = re.sub(r"\s+", " ", text.replace("’", "'").casefold()).strip(" .!")
    if folded in ("today", "now", "status", "what's open today"):
        return OwnerAsk("today")
    if folded in ("findings", "finding", "patterns"):
        return OwnerAsk("findings")
    if folded in ACKS:
        return OwnerAsk("acknowledge")
    if coded := CODED.match(folded):
        code = int(coded["code"])
        return OwnerAsk("acknowledge", code) if coded["ack"] else OwnerAsk("reassign", code, name=coded["name"])
    if give := GIVE.match(folded):
        return OwnerAsk("reassign", task=give["task"], name=give["name"])
    return None


class OwnerAgent:
    name = "owner"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        person = ctx.actor.person
        ask = parse_owner_text(ctx.text) if person is not None and person.role in OWNER_ROLES else None
        if ask is not None and not (ask == BARE_ACK and person.role != "owner"):
            getattr(self, f"_{ask.kind}")(ctx, session, ask)
        return ctx

    def _today(self, ctx: ExecutionContext, session: Session, ask: OwnerAsk) -> None:
        ctx.reply(today_text(session, ctx.tenant, ctx.now))
        ctx.outcome = "today_sent"

    def _findings(self, ctx: ExecutionContext, session: Session, ask: OwnerAsk) -> None:
        findings = open_findings(session, ctx.tenant.tenant)
        keys = [CodeKey(ctx.tenant.tenant, ctx.actor.person.id, "finding", f.id) for f in findings]
        codes = assign_codes(session, keys, ctx.now)
        ctx.reply(findings_text(findings, [codes[key] for key in keys]))
        ctx.outcome = "findings_sent"

    def _acknowledge(self, ctx: ExecutionContext, session: Session, ask: OwnerAsk) -> None:
        finding = self._answered(ctx, session, ask)
        if finding is None:
            return
        close_finding(session, ctx.tenant, finding, "acknowledged", ctx.actor.person.id, ctx.now)
        ctx.reply(f"Noted, finding closed: {shorten(finding.summary, 200)} "
                  "I'll tell you if it starts again.")
        ctx.outcome = "finding_acknowledged"

    def _reassign(self, ctx: ExecutionContext, session: Session, ask: OwnerAsk) -> None:
        finding = self._answered(ctx, session, ask) if ask.code is not None else None
        if ask.code is not None and finding is None:
            return
        task = ctx.tenant.task(finding.task) if finding and finding.task else named_task(ctx.tenant, ask.task)
        if task is None:
            return self._unknown_task(ctx, ask, finding)
        person = named_person(ctx.tenant, ask.name)
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

    def _answered(self, ctx: ExecutionContext, session: Session, ask: OwnerAsk) -> Finding | None:
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

    def _unknown_task(self, ctx: ExecutionContext, ask: OwnerAsk, finding: Finding | None) -> None:
        if finding is not None:  # about a person, or a task no longer in the tenant file
            ctx.reply(f"#{ask.code} isn't about one task, so there's none to give. Reply {ask.code}A to "
                      "close it, or give a task by name, e.g. GIVE COOLER TO SAM.")
        else:
            ids = ", ".join(t.id for t in ctx.tenant.tasks)
            ctx.reply(shorten(f"I don't know a task called {ask.task!r}. Tasks: {ids}.", MAX_TEXT))
        ctx.outcome = "owner_task_unknown"

    def _unknown_person(self, ctx: ExecutionContext, ask: OwnerAsk, task: Task) -> None:
        names = ", ".join(p.name.split()[0] for p in ctx.tenant.people)
        asked = f"No one here is called {ask.name!r}." if ask.name else f"Who should do {task.title}?"
        answer = f"Reply {ask.code}O and a name" if ask.code is not None else "People here"
        ctx.reply(shorten(f"{asked} {answer}: {names}.", MAX_TEXT))
        ctx.outcome = "owner_person_unknown"


def named_task(tenant: Tenant, words: str) -> Task | None:
    """The one task these words name: its id, or a word of its title."""
    wanted = set(re.findall(r"[a-z0-9][a-z0-9-]*", words))
    if not wanted:
        return None
    exact = [t for t in tenant.tasks if t.id == words.strip() or t.title.casefold() == words.strip()]
    matching = exact or [t for t in tenant.tasks if wanted & title_words(t)]
    return matching[0] if len(matching) == 1 else None


def title_words(task: Task) -> set[str]:
    words = {w for w in re.findall(r"[a-z0-9]+", task.title.casefold()) if len(w) > 3}
    return words | {task.id, *task.id.split("-")}


def named_person(tenant: Tenant, name: str) -> Person | None:
    name = name.strip(" .!")
    if not name:
        return None
    matching = [p for p in tenant.people if name in (p.id, p.name.casefold(), p.name.split()[0].casefold())]
    return matching[0] if len(matching) == 1 else None


def open_task_finding(session: Session, tenant: str, task: str) -> Finding | None:
    query = select(Finding).where(Finding.tenant == tenant, Finding.task == task, Finding.state == "open")
    return session.scalar(query.with_for_update())
