"""`flask --app server escalation preview TENANT TASK`: the chain played out, step by step."""
from __future__ import annotations

from routing.tenants import TenantDirectory

MONDAY_9 = "2026-11-23T09:00:00-05:00"


def preview(runner, *args: str):
    return runner.invoke(args=["escalation", "preview", *args])


def test_the_default_chain_step_by_step_with_masked_phones(runner):
    result = preview(runner, "harbor-barbers", "opening", "--now", MONDAY_9)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Opening checklist (harbor-barbers): a run starting Mon 9:00 AM (now), due by Mon 9:30 AM.",
        'Chain "default", 4 steps. If nobody answers:',
        "  step 1  +30m      Mon 9:30 AM   assignee      Lena (+1617***0103)   waits 30m",
        "  step 2  +1h       Mon 10:00 AM  backup        Sam (+1617***0104)   waits 30m",
        "  step 3  +1h 30m   Mon 10:30 AM  role:manager  Marco (+1617***0102)   waits 1h",
        "  step 4  +2h 30m   Mon 11:30 AM  owner         Dana Reyes (+1617***0101)   waits 30m",
        "  missed  +3h       Mon 12:00 PM  the run is missed; everyone texted hears how it ended",
    ]


def test_quiet_hours_hold_a_step_and_urgent_steps_say_so(runner):
    result = preview(runner, "harbor-barbers", "cooler", "--now", "2026-11-23T20:00:00-05:00", "--show-phones")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == 'Chain "urgent", 3 steps. If nobody answers:'
    assert lines[2] == "  step 1  +1h       Mon 9:00 PM   assignee      Sam (+16175550104)   waits 10m"
    assert lines[3] == ("  step 2  +11h      Tue 7:00 AM   backup        Lena (+16175550103)   waits 10m; "
                        "held from Mon 9:10 PM for quiet hours (Lena 21:00-07:00)")
    assert lines[4].endswith("Dana Reyes (+16175550101)   waits 30m; urgent: texts even in quiet hours")
    assert lines[5].startswith("  missed  +11h 40m  Tue 7:40 AM ")


def test_a_step_with_nobody_to_text_is_passed_over(runner, runtime, harbor_with):
    runtime.tenants = harbor_with(id="sweep", title="Sweep the floor", cadence="0 18 * * *", due="15m",
                                  owner="sam", proof="none")
    result = preview(runner, "harbor-barbers", "sweep", "--now", MONDAY_9)
    assert result.exit_code == 0, result.output
    assert "  step 2  +45m      Mon 9:45 AM   backup        nobody to text: passed over" in result.output
    assert "  step 3  +45m      Mon 9:45 AM   role:manager  Marco" in result.output


def test_a_tenant_without_chains_uses_the_built_in_one(runner, runtime):
    harbor = runtime.tenants.get("harbor-barbers")
    tasks = tuple(t.model_copy(update={"escalation": "default"}) for t in harbor.tasks)
    runtime.tenants = TenantDirectory((harbor.model_copy(update={"escalation": {}, "tasks": tasks}),))
    result = preview(runner, "harbor-barbers", "cooler", "--now", MONDAY_9)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == 'Chain "built-in default", 3 steps. If nobody answers:'
    assert [line[32:46].strip() for line in lines[2:5]] == ["assignee", "backup", "owner"]
    assert lines[5].startswith("  missed  +2h 30m   Mon 11:30 AM")


def test_unknown_tenant_or_task_is_a_clear_error(runner):
    result = preview(runner, "nobody-here", "opening")
    assert result.exit_code == 1
    assert "no tenant 'nobody-here' (tenants: harbor-barbers, north-nails;" in result.output
    result = preview(runner, "north-nails", "mopping")
    assert result.exit_code == 1 and "north-nails has no task 'mopping' (tasks: none)" in result.output
    result = preview(runner, "harbor-barbers", "mopping")
    assert result.exit_code == 1
    assert "harbor-barbers has no task 'mopping' (tasks: opening, jars, cooler, cash, handoff-note)" in result.output


def test_a_time_without_offset_is_refused(runner):
    result = preview(runner, "harbor-barbers", "opening", "--now", "2026-11-23T09:00:00")
    assert result.exit_code == 2 and "has no UTC offset" in result.output


def test_a_step_by_phone_says_so(runner, runtime):
    from config.schema import EscalationStep

    harbor = runtime.tenants.get("harbor-barbers")
    urgent = (*harbor.escalation["urgent"][:-1], EscalationStep(notify="owner", urgent=True, by="call"))
    runtime.tenants = TenantDirectory((harbor.model_copy(update={"escalation": {**harbor.escalation,
                                                                                "urgent": urgent}}),))
    result = preview(runner, "harbor-barbers", "cooler", "--now", MONDAY_9)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[4].endswith("waits 30m; by call; urgent: texts even in quiet hours")
