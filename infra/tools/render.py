#!/usr/bin/env python3
"""Render a CloudFormation template for one set of parameters, the way CloudFormation would choose.

    render.py TEMPLATE [Name=Value ...] [--subset TYPE,TYPE,...] > rendered.json

Evaluates Conditions (Fn::Equals/Not/And/Or, Condition) from parameter defaults plus the given values, drops
resources and outputs whose condition is false and replaces every Fn::If with the branch taken (AWS::NoValue
removes the key). The result is one concrete variant, so policy checks (cfn-guard, checkov) see exactly what
IsServerless=true or false would deploy.

--subset keeps only the given resource types (e.g. what moto's CloudFormation deploys: DynamoDB tables, S3
buckets, Lambda functions and their IAM roles); any property that still references a dropped resource is removed
(e.g. KMS keys, log groups), as are outputs that do, and Rules/Metadata go. scripts/test-infra.sh deploys that
subset of infra/application.yml to moto_server and runs the app against the table it created.
Needs cfn-lint's YAML loader (short-form intrinsic tags).
"""
import json
import re
import sys

from cfnlint.decode import decode_str

NO_VALUE = object()


def load(path):
    with open(path) as f:
        template, matches = decode_str(f.read())
    if matches:
        sys.exit(f"{path}: {matches}")
    return json.loads(json.dumps(template, default=str))


def main(argv):
    subset = None
    args = []
    it = iter(argv)
    for arg in it:
        if arg == "--subset":
            subset = set(next(it).split(","))
        else:
            args.append(arg)
    path, overrides = args[0], dict(a.split("=", 1) for a in args[1:])
    json.dump(render(load(path), overrides, subset), sys.stdout, indent=1)


def render(template, overrides, subset=None):
    """The variant of a loaded template that these parameter values deploy (also used by check-permissions.py)."""
    params = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}
    unknown = set(overrides) - set(params)
    if unknown:
        sys.exit(f"unknown parameters: {sorted(unknown)}")
    params.update(overrides)

    conditions = {}

    def value(node):
        if isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in params:
            return params[node["Ref"]]
        if isinstance(node, dict) and list(node) == ["Fn::FindInMap"]:
            return resolve(node)
        return node

    def condition(name):
        if name not in conditions:
            conditions[name] = evaluate(template["Conditions"][name])
        return conditions[name]

    def evaluate(node):
        (fn, arg), = node.items()
        if fn == "Fn::Equals":
            return str(value(arg[0])) == str(value(arg[1]))
        if fn == "Fn::Not":
            return not evaluate(arg[0])
        if fn == "Fn::And":
            return all(evaluate(a) for a in arg)
        if fn == "Fn::Or":
            return any(evaluate(a) for a in arg)
        if fn == "Condition":
            return condition(arg)
        raise ValueError(f"unsupported condition function {fn}")

    def resolve(node):
        if isinstance(node, dict):
            if list(node) == ["Fn::If"]:
                name, yes, no = node["Fn::If"]
                return resolve(yes if condition(name) else no)
            if node == {"Ref": "AWS::NoValue"}:
                return NO_VALUE
            out = {}
            for k, v in node.items():
                r = resolve(v)
                if r is not NO_VALUE:
                    out[k] = r
            return out
        if isinstance(node, list):
            return [r for r in (resolve(v) for v in node) if r is not NO_VALUE]
        return node

    for name in template.get("Conditions", {}):
        condition(name)
    resources = {
        k: resolve(v)
        for k, v in template["Resources"].items()
        if "Condition" not in v or condition(v["Condition"])
    }
    outputs = {
        k: resolve(v) for k, v in template.get("Outputs", {}).items() if "Condition" not in v or condition(v["Condition"])
    }
    for r in list(resources.values()) + list(outputs.values()):
        r.pop("Condition", None)
    rendered = {k: v for k, v in template.items() if k not in ("Resources", "Outputs", "Conditions", "Rules")}
    rendered["Resources"], rendered["Outputs"] = resources, outputs

    if subset is not None:
        keep = {k for k, v in resources.items() if v["Type"] in subset}

        def refs(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "Ref" and isinstance(v, str):
                        yield v
                    elif k == "Fn::GetAtt":
                        yield (v[0] if isinstance(v, list) else v.split(".")[0])
                    elif k == "Fn::Sub":
                        text = v[0] if isinstance(v, list) else v
                        for m in re.findall(r"\$\{([A-Za-z0-9]+)[.}]", text):
                            yield m
                    yield from refs(v)
            elif isinstance(node, list):
                for v in node:
                    yield from refs(v)

        dropped = set(resources) - keep
        rendered["Resources"] = {}
        for k in keep:
            r = resources[k]
            r.pop("DependsOn", None)
            r.pop("Metadata", None)
            props = r.get("Properties", {})
            r["Properties"] = {p: v for p, v in props.items() if not (set(refs(v)) & dropped)}
            rendered["Resources"][k] = r
        rendered["Outputs"] = {k: v for k, v in outputs.items() if not (set(refs(v)) & dropped)}
        rendered.pop("Metadata", None)
    return rendered


if __name__ == "__main__":
    main(sys.argv[1:])
