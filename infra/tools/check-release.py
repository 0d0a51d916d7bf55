#!/usr/bin/env python3
"""One artifact, built once, gated, deployed exactly: the two release paths cannot drift apart.

    check-release.py [--replace PATH=COPY ...]

Reads the GitHub workflows, infra/pipeline.yml with its buildspecs, infra/scripts/release-artifacts and
infra/application.yml (--replace reads COPY wherever PATH is meant: scripts/test-infra.sh plants mistakes so).
1. One build path. Every job or buildspec that holds AWS credentials (a workflow job that assumes a role, every
   CodeBuild project) builds and publishes the API's artifacts only through infra/scripts/release-artifacts:
   no `docker build/push`, `cargo lambda`, scripts/build-lambda.sh or Lambda zip upload of its own. At least one
   workflow job and one buildspec call it, all with the same options, and nothing sets a variable that changes the
   build (LAMBDA_FEATURES, RUSTFLAGS, CARGO_*, DOCKER_*) around them.
2. Gates before deploy. release-artifacts runs scan-image on the image before it prints IMAGE_URI. In CodePipeline,
   the build whose variables a deploy reads runs release-artifacts and the advisory gate (scripts/deny.sh
   advisories) in an earlier stage. In GitHub, the release workflow runs only after a successful run of workflows
   that hold both gates (deny.sh advisories and scan-image).
3. Exactly that artifact. application.yml takes the image only by digest (its ImageUri pattern refuses a tag), the
   Lambda zip by S3 object version (Code.S3ObjectVersion) and hash (the version's CodeSha256); every deploy passes
   ImageUri, LambdaZipVersion and LambdaZipSha256 from release-artifacts' outputs, never a <repository>:<tag>.
Exit 1 naming the file, job or action, and what is wrong.
"""
import argparse
import os
import re
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(__file__))
from delivery import ROOT, buildspec_commands, strip_comments  # noqa: E402
from cfnlint.decode import decode_str  # noqa: E402

RELEASE = "infra/scripts/release-artifacts"
SCAN = "scan-image"
ADVISORIES = re.compile(r"scripts/deny\.sh\s+advisories\b")
# Building or publishing an API artifact by hand, outside release-artifacts.
DIRECT_BUILD = [re.compile(p) for p in (r"(?<![\w-])docker\s+(?:build|buildx\s+build|push)\b", r"\bcargo\s+lambda\b",
                                        r"scripts/build-lambda\.sh", r"\baws\s+s3\s+cp\b[^\n]*\blambda/",
                                        r"\baws\s+s3api\s+put-object\b")]
BUILD_ENV = re.compile(r"^(LAMBDA_FEATURES|RUSTFLAGS|CARGO_(?!TERM_)[A-Z_]+|DOCKER_[A-Z_]+)$")
SAMPLE_DIGEST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payday@sha256:" + "0" * 64
SAMPLE_TAG = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payday:" + "0" * 40

REPLACE = {}


def read(path):
    with open(REPLACE.get(path, os.path.join(ROOT, path))) as f:
        return f.read()


def template(path):
    doc, matches = decode_str(read(path))
    if matches:
        sys.exit(f"{path}: {matches}")
    return doc


def options(line):
    """The --options of the release-artifacts call on a command line, and whether a VAR=value prefixes it."""
    call = line[line.index(RELEASE):]
    prefix = line[:line.index(RELEASE)]
    return sorted(set(re.findall(r"(?<!\S)(--[a-z0-9-]+)", call))), re.findall(r"(?<![\w$])([A-Z_][A-Z0-9_]*)=", prefix)


def commands_of(text):
    return strip_comments(re.sub(r"\\\n", " ", text)).splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replace", action="append", default=[], metavar="PATH=COPY")
    args = parser.parse_args()
    for r in args.replace:
        path, copy = r.split("=", 1)
        REPLACE[path] = copy
    failures = []
    calls = []  # (where, options)

    def scan_commands(where, lines, env_names):
        for var in env_names:
            if BUILD_ENV.match(var):
                failures.append(f"{where}: sets {var}, which changes the build; release-artifacts builds one way")
        for line in lines:
            for pattern in DIRECT_BUILD:
                m = pattern.search(line)
                if m:
                    failures.append(f"{where}: builds or publishes a release artifact itself (`{m.group(0)}`); "
                                    f"only {RELEASE} may")
            if RELEASE in line:
                opts, prefixed = options(line)
                for var in prefixed:
                    failures.append(f"{where}: runs {RELEASE} with {var}=... in front; release-artifacts builds one way")
                calls.append((where, opts))

    # --- GitHub workflows ------------------------------------------------------------------------------------
    workflows = {}
    wf_dir = os.path.join(ROOT, ".github", "workflows")
    for name in sorted(os.listdir(wf_dir)):
        if name.endswith((".yml", ".yaml")):
            path = f".github/workflows/{name}"
            workflows[path] = yaml.safe_load(read(path))
    gh_release, gh_deploys = [], []
    for path, wf in workflows.items():
        top_env = list((wf.get("env") or {}).keys())
        for job_name, job in (wf.get("jobs") or {}).items():
            steps = job.get("steps", [])
            text = "\n".join(str(s.get("run", "")) for s in steps)
            if RELEASE in text:
                gh_release.append((path, job_name))
            if "ImageUri=" in text or "LambdaZipKey=" in text:
                gh_deploys.append((path, job_name, text))
            if not any("configure-aws-credentials" in str(s.get("uses", "")) for s in steps):
                continue
            env = top_env + list((job.get("env") or {}).keys())
            for step in steps:
                scan_commands(f"{path} job {job_name}", commands_of(str(step.get("run", ""))),
                              env + list((step.get("env") or {}).keys()))

    # --- CodeBuild and CodePipeline --------------------------------------------------------------------------
    pipeline = template("infra/pipeline.yml")
    resources = pipeline["Resources"]
    buildspecs = {}
    for name, res in sorted(resources.items()):
        if res["Type"] != "AWS::CodeBuild::Project":
            continue
        spec_ref = res["Properties"]["Source"].get("BuildSpec", "buildspec.yml")
        spec_path = None if "\n" in spec_ref else spec_ref
        spec = yaml.safe_load(read(spec_path) if spec_path else spec_ref)
        buildspecs[name] = (spec_path or f"{name} inline buildspec", spec)
        env = list(((spec.get("env") or {}).get("variables") or {}).keys())
        env += [v["Name"] for v in res["Properties"].get("Environment", {}).get("EnvironmentVariables", [])]
        scan_commands(f"{spec_path or name + ' inline buildspec'} (CodeBuild {name})",
                      commands_of("\n".join(buildspec_commands(spec))), env)
    cb_release = [n for n, (_, spec) in buildspecs.items() if RELEASE in "\n".join(buildspec_commands(spec))]

    if not gh_release:
        failures.append(f"no GitHub workflow job runs {RELEASE}")
    if not cb_release:
        failures.append(f"no CodeBuild project runs {RELEASE}")
    if len({tuple(o) for _, o in calls}) > 1:
        failures.append("the release paths call release-artifacts with different options: "
                        + "; ".join(f"{w}: {' '.join(o)}" for w, o in calls))

    # --- 2. gates ------------------------------------------------------------------------------------------
    script = commands_of(read(RELEASE))
    scan_at = next((i for i, l in enumerate(script) if re.search(rf"(?<![\w-]){SCAN}\b", l) and "IMAGE_URI" in l), None)
    emit_at = next((i for i, l in enumerate(script) if re.match(r"\s*emit\s+IMAGE_URI\b", l)), None)
    if emit_at is None:
        failures.append(f"{RELEASE} never prints IMAGE_URI")
    elif scan_at is None or scan_at > emit_at:
        failures.append(f"{RELEASE} prints IMAGE_URI without running {SCAN} on that image first: the scan gate "
                        "must pass before anything can deploy it")

    for pname, pres in resources.items():
        if pres["Type"] != "AWS::CodePipeline::Pipeline":
            continue
        stages = pres["Properties"]["Stages"]
        producers = {}  # namespace -> (stage index, action)
        for i, stage in enumerate(stages):
            for action in stage["Actions"]:
                if action.get("Namespace"):
                    producers[action["Namespace"]] = (i, action)
        for i, stage in enumerate(stages):
            for action in stage["Actions"]:
                overrides = str(action.get("Configuration", {}).get("ParameterOverrides", ""))
                if action["ActionTypeId"]["Provider"] != "CloudFormation" or "ImageUri" not in overrides:
                    continue
                where = f"{pname} {stage['Name']}/{action['Name']}"
                check_overrides(where, overrides, failures)
                for ns in sorted(set(re.findall(r"#\{(\w+)\.IMAGE_URI\}", overrides))):
                    j, producer = producers.get(ns, (None, None))
                    if producer is None or producer["ActionTypeId"]["Provider"] != "CodeBuild":
                        failures.append(f"{where}: IMAGE_URI comes from {ns}, which is no CodeBuild action")
                        continue
                    project = producer["Configuration"]["ProjectName"]["Ref"]
                    spec_path, spec = buildspecs[project]
                    text = "\n".join(buildspec_commands(spec))
                    if j >= i:
                        failures.append(f"{where}: deploys in the stage that builds it ({stages[j]['Name']})")
                    if RELEASE not in text:
                        failures.append(f"{where}: IMAGE_URI comes from CodeBuild {project} ({spec_path}), which does "
                                        f"not run {RELEASE} (build, scan gate)")
                    if not ADVISORIES.search(strip_comments(text)):
                        failures.append(f"{where}: CodeBuild {project} ({spec_path}) feeds this deploy without the "
                                        "advisory gate `scripts/deny.sh advisories` (GitHub CI runs it)")

    for path, job_name in gh_release:
        trigger = (workflows[path].get("on") or workflows[path].get(True) or {}).get("workflow_run") or {}
        upstream = [p for p, wf in workflows.items() if wf.get("name") in (trigger.get("workflows") or [])]
        job = workflows[path]["jobs"][job_name]
        if not upstream or "conclusion == 'success'" not in str(job.get("if", "")):
            failures.append(f"{path} job {job_name}: releases without waiting for a successful CI run "
                            "(on.workflow_run + if: conclusion == 'success')")
            continue
        gates = "\n".join(str(s.get("run", "")) for p in upstream for j in workflows[p]["jobs"].values()
                          for s in j.get("steps", []))
        if not ADVISORIES.search(gates):
            failures.append(f"{path}: the CI it waits for ({', '.join(upstream)}) runs no `scripts/deny.sh advisories`")
        if f"infra/scripts/{SCAN}" not in gates:
            failures.append(f"{path}: the CI it waits for ({', '.join(upstream)}) runs no infra/scripts/{SCAN}")

    # --- 3. exactly that artifact --------------------------------------------------------------------------
    app = template("infra/application.yml")
    pattern = app["Parameters"]["ImageUri"].get("AllowedPattern", "")
    if not re.fullmatch(pattern, SAMPLE_DIGEST) or re.fullmatch(pattern, SAMPLE_TAG):
        failures.append(f"infra/application.yml: ImageUri AllowedPattern {pattern!r} must accept "
                        "<repository>@sha256:<digest> and refuse a tag: deploys must name the image by digest")
    for name, res in app["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::Lambda::Function" and "LambdaZipKey" in str(props.get("Code", {})):
            if "LambdaZipVersion" not in str(props["Code"].get("S3ObjectVersion", "")):
                failures.append(f"infra/application.yml: {name}.Code has no S3ObjectVersion from LambdaZipVersion: "
                                "the function would run whatever the key holds now")
            versions = [r for r in app["Resources"].values() if r["Type"] == "AWS::Lambda::Version"
                        and str(r["Properties"].get("FunctionName")) == str({"Ref": name})]
            if not versions or any("LambdaZipSha256" not in str(v["Properties"].get("CodeSha256", "")) for v in versions):
                failures.append(f"infra/application.yml: the versions of {name} take no CodeSha256 from LambdaZipSha256")
    if not gh_deploys:
        failures.append("no GitHub workflow passes ImageUri/LambdaZipKey to a deploy")
    for path, job_name, text in gh_deploys:
        check_cli_deploy(f"{path} job {job_name}", text, failures)

    for f in failures:
        print(f"check-release: FAIL {f}", file=sys.stderr)
    if failures:
        sys.exit(f"check-release: {len(failures)} problems (above)")
    print(f"check-release: {len(calls)} release-artifacts calls ({', '.join(w for w, _ in calls)}), same options "
          f"{' '.join(calls[0][1])}; scan gate before IMAGE_URI; advisory + scan gates before every deploy; "
          "image by digest, Lambda zip by version and SHA-256 in both pipelines")


def check_overrides(where, overrides, failures):
    values = dict(re.findall(r'"(\w+)"\s*:\s*"([^"]*)"', overrides))
    if not re.fullmatch(r"#\{\w+\.IMAGE_URI\}", values.get("ImageUri", "")):
        failures.append(f"{where}: ImageUri is {values.get('ImageUri')!r}, not the IMAGE_URI release-artifacts printed")
    for key, var in (("LambdaZipVersion", "LAMBDA_ZIP_VERSION"), ("LambdaZipSha256", "LAMBDA_ZIP_SHA256")):
        if not re.fullmatch(rf"#\{{\w+\.{var}\}}", values.get(key, "")):
            failures.append(f"{where}: {key} is {values.get(key)!r}, not the {var} release-artifacts printed")


def check_cli_deploy(where, text, failures):
    text = re.sub(r"\\\n", " ", text)
    values = dict(re.findall(r"\b(ImageUri|LambdaZipVersion|LambdaZipSha256|LambdaZipKey)=(\S+)", text))
    for key, var in (("ImageUri", "IMAGE_URI"), ("LambdaZipVersion", "LAMBDA_ZIP_VERSION"),
                     ("LambdaZipSha256", "LAMBDA_ZIP_SHA256")):
        if not re.fullmatch(rf'"?\$\{{?{var}\}}?"?', values.get(key, "")):
            failures.append(f"{where}: passes {key}={values.get(key, '(nothing)')}, not the {var} release-artifacts "
                            "printed")


if __name__ == "__main__":
    main()
