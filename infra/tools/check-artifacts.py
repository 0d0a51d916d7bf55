#!/usr/bin/env python3
"""Every CodePipeline action finds the files it runs in its input artifacts.

    check-artifacts.py [infra/pipeline.yml]

For each CodeBuild action: the buildspec file of its project and every repository script its commands run
(followed recursively, see delivery.scripts_closure) must be in the action's primary input artifact (the only
input, or Configuration.PrimarySource, which must name an input when there are several); every
$CODEBUILD_SRC_DIR_<Name> the commands use must be an input of the action. For each CloudFormation action, its
TemplatePath must be in the artifact it names, which must be an input. What an artifact holds: the Source
action's is the repository (git ls-files); a CodeBuild action's output is what its buildspec's artifacts.files
globs select. Exit 1 naming the stage/action, the file and the artifact.
"""
import re
import sys
import os

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(__file__))
from delivery import buildspec_commands, load_buildspec, load_template, scripts_closure, tracked_files  # noqa: E402


def glob_regex(glob):
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out + r"\Z")


class Artifact:
    def __init__(self, name, files=None, globs=None):
        self.name, self.files, self.globs = name, files, [glob_regex(g) for g in globs or []]
        self.described = "the repository" if files is not None else f"the globs {globs}"

    def holds(self, path):
        if self.files is not None:
            return path in self.files
        return any(g.match(path) for g in self.globs)


def main(path):
    template = load_template(path)
    resources = template["Resources"]
    repo = tracked_files()
    failures, n_actions, n_files = [], 0, 0
    for pipeline in (r for r in resources.values() if r["Type"] == "AWS::CodePipeline::Pipeline"):
        artifacts = {}
        for stage in pipeline["Properties"]["Stages"]:
            for action in stage["Actions"]:
                where = f"{stage['Name']}/{action['Name']}"
                kind = action["ActionTypeId"]["Provider"]
                config = action.get("Configuration", {})
                inputs = [a["Name"] for a in action.get("InputArtifacts", [])]
                for name in inputs:
                    if name not in artifacts:
                        failures.append(f"{where}: input artifact {name} is produced by no earlier action")
                if kind == "CodeBuild":
                    n_actions += 1
                    project = resources[config["ProjectName"]["Ref"]]
                    spec_path, spec = load_buildspec(project)
                    if len(inputs) > 1:
                        primary = config.get("PrimarySource")
                        if primary not in inputs:
                            failures.append(f"{where}: {len(inputs)} input artifacts need PrimarySource naming one of "
                                            f"them (got {primary!r})")
                            continue
                    else:
                        primary = inputs[0] if inputs else None
                    commands = "\n".join(buildspec_commands(spec))
                    needed = ([spec_path] if spec_path else []) + scripts_closure(commands)
                    for file in needed:
                        n_files += 1
                        if file not in repo:
                            failures.append(f"{where}: needs {file}, which is not in the repository")
                        elif primary in artifacts and not artifacts[primary].holds(file):
                            failures.append(f"{where}: needs {file}, but its primary input artifact {primary} "
                                            f"({artifacts[primary].described}) does not hold it")
                    # A project shared by several actions (FrontendProject: build, then publish per stage) reads
                    # a secondary input in one branch only: it must be an input of some action running it.
                    project_inputs = {a["Name"] for st in pipeline["Properties"]["Stages"] for ac in st["Actions"]
                                      if ac.get("Configuration", {}).get("ProjectName") == config["ProjectName"]
                                      for a in ac.get("InputArtifacts", [])[1:]}
                    for name in sorted(set(re.findall(r"CODEBUILD_SRC_DIR_([A-Za-z0-9_]+)", commands))):
                        if name not in project_inputs:
                            failures.append(f"{where}: the buildspec reads $CODEBUILD_SRC_DIR_{name}, but no action "
                                            f"running {config['ProjectName']['Ref']} has a secondary input {name}")
                    for out in action.get("OutputArtifacts", []):
                        files = (spec.get("artifacts") or {})
                        if set(files) - {"files", "name"}:
                            failures.append(f"{where}: artifacts options {sorted(set(files) - {'files', 'name'})} "
                                            "are not understood by this check")
                        artifacts[out["Name"]] = Artifact(out["Name"], globs=files.get("files", []))
                elif kind == "CodeStarSourceConnection":
                    for out in action.get("OutputArtifacts", []):
                        artifacts[out["Name"]] = Artifact(out["Name"], files=repo)
                elif kind == "CloudFormation" and "TemplatePath" in config:
                    n_actions += 1
                    name, file = config["TemplatePath"].split("::", 1)
                    n_files += 1
                    if name not in inputs:
                        failures.append(f"{where}: TemplatePath names {name}, which is not an input of this action")
                    elif not artifacts[name].holds(file):
                        failures.append(f"{where}: template {file} is not in {name} ({artifacts[name].described})")
                else:
                    for out in action.get("OutputArtifacts", []):
                        failures.append(f"{where}: output {out['Name']} of a {kind} action: contents unknown to this check")
    for f in failures:
        print(f"check-artifacts: MISSING {f}", file=sys.stderr)
    if failures:
        sys.exit(f"check-artifacts: {len(failures)} problems (above)")
    if not n_actions:
        sys.exit(f"check-artifacts: {path} has no CodeBuild or CloudFormation actions: nothing was checked")
    print(f"check-artifacts: {n_actions} CodeBuild/CloudFormation actions, {n_files} needed files (buildspecs, "
          "scripts, templates), each in the action's input artifact")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "infra/pipeline.yml")
