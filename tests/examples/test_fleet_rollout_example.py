CONFIG = {"logLevel": "info", "sampling": 0.25}
GUARD = {"minSuccessPercent": 90, "maxFailurePercent": 10, "gates": []}  # ≤ 10 % failed
ROLLOUT = {
    "name": "Roll out logging config",
    "selector": {"predicates": []},  # every device of the project
    "stages": [
        {"name": "canary", "percentage": 5, "autoAdvance": True, "guard": GUARD},
        {"name": "half", "percentage": 50, "autoAdvance": True, "guard": GUARD},
        {"name": "everyone"},
    ],
    "steps": [{"kind": "DeviceCommand", "command": "apply-config", "input": CONFIG}],
}


def fleet_of(nexigon_device, count, handler):
    devices = [nexigon_device(agent=True) for _ in range(count)]  # nexigon-agent, simulated
    for device in devices:
        device.on_command("apply-config", handler)
    return devices[0].project_id


def test_a_staged_rollout_completes(nexigon_hub, nexigon_device):
    project_id = fleet_of(nexigon_device, 200, lambda input, log: {"applied": input})

    created = nexigon_hub.invoke("fleet_CreateOperation", {"projectId": project_id, **ROLLOUT})
    rollout = {"fleetOperationId": created["fleetOperationId"]}
    nexigon_hub.invoke("fleet_StartOperation", rollout)  # canaries run, then half, then all

    summary = nexigon_hub.invoke("fleet_GetOperation", rollout)["summary"]
    assert (summary["status"], summary["activeStageIndex"]) == ("Completed", 2)
    assert summary["progress"]["succeeded"] == 200


def test_failing_canaries_stop_the_rollout(nexigon_hub, nexigon_device):
    calls = []

    def apply_config(input, log):  # every fifth device fails
        calls.append(input)
        if len(calls) % 5 == 0:
            raise RuntimeError("config rejected")
        return {"applied": input}

    project_id = fleet_of(nexigon_device, 200, apply_config)
    created = nexigon_hub.invoke("fleet_CreateOperation", {"projectId": project_id, **ROLLOUT})
    rollout = {"fleetOperationId": created["fleetOperationId"]}
    nexigon_hub.invoke("fleet_StartOperation", rollout)

    blocked = nexigon_hub.invoke("fleet_AdvanceOperationStage", rollout)
    assert blocked["result"] == "GuardBlocked"
    assert blocked["failurePercent"] > blocked["maxFailurePercent"] == 10
    targets = nexigon_hub.invoke("fleet_QueryOperationTargets", rollout)["targets"]
    canaries = [t for t in targets if t["stageIndex"] == 0]
    assert len(calls) == len(canaries)  # nobody beyond the canaries was touched
    assert {t["status"] for t in targets if t["stageIndex"] > 0} == {"Pending"}

    nexigon_hub.invoke("fleet_CancelOperation", rollout)
    summary = nexigon_hub.invoke("fleet_GetOperation", rollout)["summary"]
    assert summary["status"] == "Cancelled"
    assert summary["progress"]["cancelled"] == 200 - len(canaries)
