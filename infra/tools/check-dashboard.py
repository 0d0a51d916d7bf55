#!/usr/bin/env python3
"""Check the CloudWatch dashboard of a rendered application.yml variant (infra/tools/render.py output).

    check-dashboard.py RENDERED.json serverless|serverful

CloudFormation only sees DashboardBody as a string, and CloudWatch rejects a body that is not JSON only at deploy
time. This resolves the body's Fn::Join / Fn::Sub with stand-in values, parses it, and checks that the panels an
operator needs first are there for that mode, that every ${Name} in the body names a resource of the variant (no
reference to the other mode's resources), that sign-ins and sign-ups are read where they are counted (Cognito's
metrics when the stack's PAYDAY_AUTH is cognito, never the app's counters that stay 0 there) and that the alarm
panel lists every alarm of the variant.
"""
import json
import re
import sys

PANELS = {
    "both": [
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits"),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits"),
        ("AWS/DynamoDB", "ReadThrottleEvents"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
        ("Payday", "Requests"),
        ("Payday", "Latency"),
        ("Payday", "TasksCreated"),
        ("Payday", "BillsMarkedPaid"),
    ],
    "serverless": [
        ("AWS/ApiGateway", "Count"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/Lambda", "Invocations"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Duration"),
        ("AWS/Lambda", "Throttles"),
    ],
    "serverful": [
        ("AWS/ApplicationELB", "RequestCount"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/ECS", "CPUUtilization"),
        ("AWS/ECS", "MemoryUtilization"),
    ],
}


# Where sign-ins and sign-ups are counted, by the stack's PAYDAY_AUTH: with Cognito the browser signs in at the user
# pool and the app never sees it, so the app's own counters would read 0 however many users sign in.
SIGN_IN_METRICS = {
    "cognito": ([("AWS/Cognito", "SignInSuccesses"), ("AWS/Cognito", "SignUpSuccesses")],
                [("Payday", "SignIns"), ("Payday", "SignUps")]),
    "local": ([("Payday", "SignIns"), ("Payday", "SignUps")], []),
}


def auth_mode(resources):
    """PAYDAY_AUTH of the variant's API (Lambda environment or the container's), one value for the stack."""
    modes = set()
    for r in resources.values():
        props = r.get("Properties", {})
        if r["Type"] == "AWS::Lambda::Function":
            modes.add(props.get("Environment", {}).get("Variables", {}).get("PAYDAY_AUTH", "local"))
        if r["Type"] == "AWS::ECS::TaskDefinition":
            for c in props.get("ContainerDefinitions", []):
                env = {e["Name"]: e.get("Value") for e in c.get("Environment", [])}
                modes.add(env.get("PAYDAY_AUTH", "local"))
    assert len(modes) == 1, f"expected one PAYDAY_AUTH for the stack, found {sorted(modes)}"
    return modes.pop()


def main(path, mode):
    template = json.load(open(path))
    resources = template["Resources"]
    dashboards = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    assert len(dashboards) == 1, f"expected one dashboard, found {len(dashboards)}"
    props = dashboards[0]["Properties"]
    assert "${Stage}" in props["DashboardName"]["Fn::Sub"], props["DashboardName"]

    used = set()

    def resolve(node):
        if isinstance(node, str):
            return node
        (fn, arg), = node.items()
        if fn == "Fn::Join":
            sep, parts = arg
            return sep.join(resolve(p) for p in parts)
        if fn == "Fn::Sub":
            def sub(m):
                name = m.group(1)
                used.add(name)
                return f"<{name}>"
            return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", sub, arg)
        raise ValueError(f"unexpected {fn} in DashboardBody")

    body = json.loads(resolve(props["DashboardBody"]))
    for name in used:
        logical = name.split(".")[0]
        assert logical.startswith("AWS::") or logical in resources or name in template.get("Parameters", {}), \
            f"dashboard refers to ${{{name}}}, which this variant does not have"

    widgets = body["widgets"]
    for w in widgets:
        for key in ("type", "x", "y", "width", "height", "properties"):
            assert key in w, (key, w)
        assert w["x"] + w["width"] <= 24, w
    boxes = [(w["x"], w["y"], w["width"], w["height"]) for w in widgets]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
            assert not overlap, f"widgets overlap: {a} {b}"

    metrics = {
        (m[0], m[1])
        for w in widgets if w["type"] == "metric"
        for m in w["properties"]["metrics"] if isinstance(m[0], str)
    }
    auth = auth_mode(resources)
    wanted, zero = SIGN_IN_METRICS[auth]
    missing = [p for p in PANELS["both"] + PANELS[mode] + wanted if p not in metrics]
    assert not missing, f"{mode} dashboard lacks {missing}"
    dead = [p for p in zero if p in metrics]
    assert not dead, f"PAYDAY_AUTH={auth}: the dashboard shows {dead}, which the app never counts in this mode (always 0)"
    other = "serverful" if mode == "serverless" else "serverless"
    stray = [p for p in PANELS[other] if p in metrics and p not in PANELS[mode]]
    assert not stray, f"{mode} dashboard shows the other mode's metrics {stray}"

    alarms = {f"<{k}.Arn>" for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    shown = {a for w in widgets if w["type"] == "alarm" for a in w["properties"]["alarms"]}
    assert alarms == shown, f"alarm panel shows {sorted(shown)}, the variant has {sorted(alarms)}"
    if mode == "serverless":
        assert any(w["type"] == "log" and "Init Duration" in w["properties"]["query"] for w in widgets), \
            "no cold-start panel"
    print(f"{path}: dashboard OK ({mode}, auth {auth}: {len(widgets)} widgets, {len(metrics)} metrics, "
          f"{len(shown)} alarms; sign-ins from {wanted[0][0]})")


if __name__ == "__main__":
    main(*sys.argv[1:])
