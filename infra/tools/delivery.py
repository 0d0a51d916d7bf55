"""Shared helpers for the delivery checks (check-permissions.py, check-artifacts.py).

Reads our templates with cfn-lint's loader (short-form intrinsics), a role's inline policy as (effect, actions)
statements, the shell commands a buildspec or workflow runs, and the repository scripts those commands invoke.
"""
import fnmatch
import json
import os
import re
import subprocess
import sys

import yaml
from cfnlint.decode import decode_str

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_template(path):
    with open(path) as f:
        template, matches = decode_str(f.read())
    if matches:
        sys.exit(f"{path}: {matches}")
    return json.loads(json.dumps(template, default=str))


def role_statements(template, role, path):
    """Allow/Deny statements of a role's inline policies: [(effect, [action patterns], sid, [resources], condition)]."""
    resource = template["Resources"].get(role)
    if not resource or resource["Type"] != "AWS::IAM::Role":
        sys.exit(f"{path}: no AWS::IAM::Role named {role}")
    props = resource["Properties"]
    if props.get("ManagedPolicyArns"):
        sys.exit(f"{path}: {role} has managed policies; this check only reads inline policies and cannot prove them")
    out = []
    for policy in props.get("Policies", []):
        out += document_statements(policy["PolicyDocument"], f"{path}: {role}")
    for name, other in template["Resources"].items():  # separate policies attached to the role
        if other["Type"] in ("AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::ManagedPolicy"):
            targets = other["Properties"].get("Roles", []) + [other["Properties"].get("RoleName")]
            if {"Ref": role} in targets:
                sys.exit(f"{path}: {name} attaches to {role}; this check only reads the role's inline policies")
    return out


def document_statements(document, where):
    out = []
    for st in document["Statement"]:
        if "NotAction" in st:
            sys.exit(f"{where} uses NotAction, which this check does not evaluate")
        if "Action" not in st:
            sys.exit(f"{where}: a statement without Action")
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st.get("Resource", [])
        out.append((st["Effect"], actions, st.get("Sid", "?"), resources if isinstance(resources, list) else [resources],
                    st.get("Condition", {})))
    return out


def allows(statements, action, any_resource=False):
    """Whether an unconditional reading of the statements allows `action` (IAM actions are case-insensitive;
    * and ? are wildcards). With any_resource, only statements on Resource "*" count (for actions that take no
    resource ARN); otherwise resource ARNs and conditions are not evaluated."""
    action = action.lower()

    def match(patterns):
        return any(fnmatch.fnmatchcase(action, p.lower()) for p in patterns)

    if any(effect == "Deny" and match(actions) for effect, actions, _, _, _ in statements):
        return False
    return any(effect == "Allow" and match(actions) and (not any_resource or "*" in resources)
               for effect, actions, _, resources, _ in statements)


def matching(statements, action):
    """The Allow statements whose actions match `action`."""
    return [st for st in statements
            if st[0] == "Allow" and any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in st[1])]


def iam_actions():
    """IAM's actions as cfn-lint ships them (the service authorization reference): {"svc:action" (lower case):
    [resource types it can be scoped to]}; an empty list means it takes no resource ARN (only Resource "*")."""
    import cfnlint
    path = os.path.join(os.path.dirname(cfnlint.__file__), "data", "AdditionalSpecs", "Policies.json")
    with open(path) as f:
        services = json.load(f)
    return {f"{prefix}:{action}": spec.get("Resources", [])
            for prefix, service in services.items() for action, spec in service.get("Actions", {}).items()}


def tracked_files():
    """The files a clone (and so CodePipeline's Source artifact) contains."""
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return set(out.splitlines())


def buildspec_commands(spec):
    """Every command of every phase of a buildspec (dict), in order."""
    cmds = []
    for phase in (spec.get("phases") or {}).values():
        for key in ("commands", "finally"):
            cmds += [str(c) for c in (phase or {}).get(key, []) or []]
    return cmds


def load_buildspec(project, repo_root=ROOT):
    """(path or None, parsed buildspec) of a CodeBuild project: a file of the source, or inline YAML."""
    spec = project["Properties"]["Source"].get("BuildSpec", "buildspec.yml")
    if "\n" in spec:
        return None, yaml.safe_load(spec)
    with open(os.path.join(repo_root, spec)) as f:
        return spec, yaml.safe_load(f)


def strip_comments(shell):
    return "\n".join(line for line in shell.splitlines() if not line.lstrip().startswith("#"))


# What a command line names as a repository script it runs: infra/scripts/<x>, $HERE/<x> inside infra/scripts,
# scripts/<x>.sh, and `make` (the Makefile).
SCRIPT_REFS = [
    (re.compile(r"(?<![\w/.-])(infra/scripts/[A-Za-z0-9_.-]+)"), None),
    (re.compile(r"\$HERE/([A-Za-z0-9_.-]+)"), "infra/scripts/"),
    (re.compile(r"(?<![\w/.-])(scripts/[A-Za-z0-9_.-]+\.sh)"), None),
]


def script_refs(shell, here=None):
    refs = []
    for pattern, prefix in SCRIPT_REFS:
        for m in pattern.finditer(strip_comments(shell)):
            if prefix and here != prefix:
                continue
            refs.append((prefix or "") + m.group(1))
    if re.search(r"(?<![\w-])make\s+[a-z]", strip_comments(shell)):
        refs.append("Makefile")
    return refs


def scripts_closure(shell):
    """Repository scripts the shell text runs, and the scripts those run (bash scripts only are followed)."""
    seen, todo = [], script_refs(shell)
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        full = os.path.join(ROOT, path)
        if path != "Makefile" and os.path.isfile(full):
            with open(full) as f:
                todo += script_refs(f.read(), here=os.path.dirname(path) + "/")
    return seen
