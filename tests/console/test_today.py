"""Today's live poll: 204 while nothing the list shows has changed, the new list as soon as
a run, a step's answer, a proof or a finding changes, and nothing for another tenant's change."""
from __future__ import annotations

import re

from sqlalchemy import update

from recurring.completion import record_proof
from store.models import Escalation, Finding, Run
from tests.console.conftest import DANA, LENA
from tests.console.test_decisions import escalate
from tests.console.test_signin import add_run

VERSION = re.compile(r'today/live\?version=(\w+)"')


def version_of(page: str) -> str:
    return VERSION.search(page).group(1)


def poll(console_client, version: str):
    return console_client.get(f"/console/today/live?version={version}")


def test_the_poll_answers_204_until_a_run_changes_then_the_new_list(console_client, runtime, clock):
    run_id = add_run(runtime, "harbor-barbers", "lena", "Open the shop", clock.now)
    console_client.sign_in(DANA)
    version = version_of(console_client.get("/console/").text)
    assert poll(console_client, version).status_code == 204
    clock.move(minutes=5)
    assert poll(console_client, version).status_code == 204  # time alone changes nothing shown

    with runtime.db.session() as session:
        session.execute(update(Run).where(Run.id == run_id).values(assignee="sam"))
    changed = poll(console_client, version)

    assert changed.status_code == 200 and "Sam · due" in changed.text
    assert poll(console_client, version_of(changed.text)).status_code == 204


def test_a_proof_a_steps_answer_and_a_finding_each_change_the_stamp(console_client, runtime, clock):
    run_id = escalate(runtime, clock, "handoff-note", "Write the handoff note")
    console_client.sign_in(DANA)
    versions = [version_of(console_client.get("/console/").text)]

    def changes(change) -> None:
        with runtime.db.session() as session:
            change(session)
        answer = poll(console_client, versions[-1])
        assert answer.status_code == 200, change
        versions.append(version_of(answer.text))

    changes(lambda s: s.execute(update(Escalation).where(Escalation.run_id == run_id)
                                .values(answer="taken", answered_by="marco", answered_at=clock.now)))
    changes(lambda s: s.execute(update(Escalation).where(Escalation.run_id == run_id)
                                .values(answered_by="dana")))  # the same answer, by someone else
    changes(lambda s: record_proof(s, s.get(Run, run_id), clock.now, "text", value="till counted"))
    changes(lambda s: s.add(Finding(tenant="harbor-barbers", task="jars", kind="misses",
                                    summary="Jars missed 3 of 7", runs=[], open_key="misses:jars")))
    assert len(set(versions)) == 5


def test_another_tenants_change_and_a_staff_members_others_leave_the_poll_at_204(console_client, runtime, clock):
    add_run(runtime, "harbor-barbers", "lena", "Open the shop", clock.now)
    console_client.sign_in(LENA)
    version = version_of(console_client.get("/console/").text)

    add_run(runtime, "north-nails", "bo", "Clean the stations", clock.now)
    add_run(runtime, "harbor-barbers", "sam", "Sweep the floor", clock.now)

    assert poll(console_client, version).status_code == 204


def test_a_poll_with_no_or_a_made_up_version_gets_the_list(console_client, runtime, clock):
    add_run(runtime, "harbor-barbers", "lena", "Open the shop", clock.now)
    console_client.sign_in(DANA)
    for path in ("/console/today/live", "/console/today/live?version=" + "z" * 500):
        answer = console_client.get(path)
        assert answer.status_code == 200 and "Open the shop" in answer.text
