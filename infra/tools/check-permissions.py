#!/usr/bin/env python3
"""Prove the deploy roles may do what their deploys do (moto does not enforce IAM, so nothing else would).

    check-permissions.py [--pipeline infra/pipeline.yml] [--oidc infra/github-oidc.yml]
                         [--application infra/application.yml]

1. CfnExecutionRole (infra/pipeline.yml), which CloudFormation uses for every payday-<stage> stack: application.yml
   is rendered (render.py) for each stage (dev, prod) x mode (IsServerless true/false) and the MongoDB + custom
   domain variant; for every resource type that variant creates, each permission its CloudFormation resource
   provider lists for the create, read, update and delete handlers (the registry schemas cfn-lint ships) must be
   allowed by the role's inline policy. The few that cannot apply to our templates are in NOT_NEEDED, each with
   its reason; an entry that no longer matches a schema or is allowed anyway fails too (no stale excuses).
   The list handler is left out: CloudFormation calls it for resource import and template generation, not for
   stack create/update/delete/rollback. Permissions a schema names that IAM does not know (cfn-lint's IAM data)
   cannot be granted and are skipped, and printed. Actions that take no resource ARN must be on Resource "*".
   The boundary: every role application.yml creates carries pipeline.yml's boundary policy, which allows all
   they use, and the execution role can create or widen roles only with it.
2. Roles that run commands: the GitHub deploy role (github-oidc.yml) against every step of every workflow job
   that assumes it; each CodeBuild project's role (pipeline.yml) against its buildspec, plus what CodeBuild itself
   does for it (logs, artifacts, key); the CodePipeline role against its actions. `aws <service> <command>` calls
   are read from the commands and every repository script they run (followed recursively) and mapped to IAM
   actions: the operation botocore names for the command (so a misspelt command fails), or the explicit table
   CLI_ACTIONS for the CLI's own commands (s3 cp/sync/rm, cloudformation deploy, waiters, ...).
Checked: action names, with IAM wildcards. Not checked: resource ARNs and conditions (an action allowed only on
the wrong ARN passes here), and what `make test` calls (it runs against emulators with dummy credentials).
Exit 1 naming the role, the resource type or command, and the missing action.
"""
import argparse
import fnmatch
import json
import os
import re
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(__file__))
from delivery import (ROOT, allows, buildspec_commands, document_statements, iam_actions, load_buildspec,  # noqa: E402
                      load_template, matching, role_statements, scripts_closure, strip_comments)
from render import render  # noqa: E402

SHA = "0123456789abcdef0123456789abcdef01234567"
BASE = {"Version": SHA, "ArtifactBucket": "payday-artifacts-123456789012", "LambdaZipKey": f"lambda/{SHA}.zip",
        "ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payday@sha256:" + "0" * 64, "CloudFrontPrefixListId": "pl-4fa04526"}
VARIANTS = {
    f"{mode}/{stage}": {**BASE, "Stage": stage, "IsServerless": str(mode == "serverless").lower()}
    for mode in ("serverless", "serverful") for stage in ("dev", "prod")
}
VARIANTS["serverful-mongodb-domain/prod"] = {
    **VARIANTS["serverful/prod"], "StoreKind": "mongodb",
    "MongoDbSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:payday-prod-mongodb-AbCdEf",
    "DomainName": "payday.example.com", "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d",
    "OriginDomainName": "origin.payday.example.com",
    "OriginCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d"}
HANDLERS = ("create", "read", "update", "delete")
SCHEMA_REGION = "us-east-1"  # the most complete registry; our stacks use the same providers in every region

# (resource type, action) -> why CloudFormation never needs it for our templates: each names a feature
# application.yml does not use, so a template that starts using it fails here until the role allows it. Only
# create/update/delete permissions may be excused: the read handler runs after every create and update.
NOT_NEEDED = {
    ("AWS::ApplicationAutoScaling::ScalableTarget", "application-autoscaling:PutScheduledAction"): "no ScheduledActions",
    ("AWS::ApplicationAutoScaling::ScalableTarget", "application-autoscaling:DeleteScheduledAction"): "no ScheduledActions",
    ("AWS::Cognito::UserPool", "cognito-idp:AddCustomAttributes"): "no custom attributes (no Schema property)",
    **{("AWS::Cognito::UserPool", f"kms:{a}"): "no customer managed key on the user pool (no custom sender)"
       for a in ("ReEncryptFrom", "ReEncryptTo", "CreateGrant", "Encrypt", "GenerateDataKey",
                 "GenerateDataKeyWithoutPlaintext")},
    **{("AWS::Lambda::Function", f"kms:{a}"): "no KmsKeyArn: the environment is encrypted with the AWS managed key"
       for a in ("CreateGrant", "Encrypt", "GenerateDataKey")},
    ("AWS::CodeDeploy::DeploymentGroup", "codedeploy:RegisterOnPremisesInstance"):
        "ComputePlatform Lambda: no on-premises instances (OnPremisesInstanceTagFilters)",
    ("AWS::DynamoDB::Table", "kinesis:DescribeStream"): "no KinesisStreamSpecification",
    ("AWS::DynamoDB::Table", "kinesis:PutRecords"): "no KinesisStreamSpecification",
    ("AWS::EC2::EIP", "ec2:AcceptAddressTransfer"): "no TransferAddress",
    ("AWS::EC2::NatGateway", "ec2:AssignPrivateNatGatewayAddress"): "public NAT gateways, no secondary private addresses",
    ("AWS::EC2::NatGateway", "ec2:UnassignPrivateNatGatewayAddress"): "public NAT gateways, no secondary private addresses",
    ("AWS::EC2::VPCEndpoint", "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation"): "no ServiceNetwork endpoint",
    ("AWS::EC2::VPCEndpoint", "vpce:AllowMultiRegion"): "no ServiceRegion (same-region endpoints only)",
    ("AWS::ECS::Cluster", "ecs:PutAccountSetting"): "account-wide ECS settings: the template sets none, and an "
                                                    "application stack must not change the whole account",
    ("AWS::ECS::Cluster", "ecs:PutAccountSettingDefault"): "account-wide ECS settings (as PutAccountSetting)",
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "elasticloadbalancing:RegisterTargets"):
        "no Targets property: ECS registers its tasks through its service-linked role",
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "elasticloadbalancing:DeregisterTargets"):
        "no Targets property: ECS deregisters its tasks through its service-linked role",
    ("AWS::IAM::Role", "iam:DeleteRolePermissionsBoundary"): "removing a boundary is the escape a boundary exists "
                                                             "to prevent; never granted",
    ("AWS::KMS::Key", "kms:DisableKey"): "Enabled is never false (a disabled data key is an outage)",
    ("AWS::KMS::Key", "kms:DisableKeyRotation"): "EnableKeyRotation is always true",
    ("AWS::Lambda::Function", "elasticfilesystem:DescribeMountTargets"): "no FileSystemConfigs",
    ("AWS::Lambda::Function", "s3files:ListMountTargets"): "no FileSystemConfigs",
    ("AWS::Logs::LogGroup", "firehose:TagDeliveryStream"): "no Firehose delivery stream",
    ("AWS::Logs::LogGroup", "logs:PutIndexPolicy"): "no FieldIndexPolicies",
    ("AWS::Logs::LogGroup", "logs:DeleteIndexPolicy"): "no FieldIndexPolicies",
    ("AWS::Logs::LogGroup", "logs:DeleteResourcePolicy"): "no ResourcePolicyDocument on a log group",
    **{("AWS::S3::Bucket", f"s3tables:{a}"): "no MetadataTableConfiguration (S3 Tables)"
       for a in ("CreateNamespace", "CreateTable", "CreateTableBucket", "GetTable", "GetTableMetadataLocation",
                 "PutTableBucketPolicy", "PutTableEncryption", "PutTablePolicy", "UpdateTableMetadataLocation")},
}

# Excused only while every resource of the type is DeletionPolicy and UpdateReplacePolicy Retain (CloudFormation
# then never deletes one), so a deploy cannot destroy what the stack keeps. A resource that is not retained fails.
RETAINED_ONLY = {
    ("AWS::KMS::Key", "kms:ScheduleKeyDeletion"): "the data key is retained; a deploy must never be able to delete "
                                                   "the key the table is encrypted with",
}

# Permissions a provider needs that its schema does not list, from the service's documentation:
# (resource type, property that triggers them) -> actions.
NOT_IN_SCHEMA = {
    # API Gateway, "Configuring logging for an HTTP API": the caller sets up a CloudWatch Logs delivery.
    ("AWS::ApiGatewayV2::Stage", "AccessLogSettings"): [
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:CreateLogGroup"],
}


# --- commands ------------------------------------------------------------------------------------------------
ECR_PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload", "ecr:PutImage"]


def s3_transfer(args, recursive_list=False):
    """s3 cp/mv: read the s3:// source, write the s3:// destination (by position)."""
    paths = [a.strip("\"'") for a in args if not a.startswith("-")]
    urls = [p.startswith("s3://") for p in paths[:2]]
    actions = []
    if urls and urls[0]:
        actions.append("s3:GetObject")
    if len(urls) > 1 and urls[1]:
        actions.append("s3:PutObject")
    if "--recursive" in args or recursive_list:
        actions.append("s3:ListBucket")
    if not actions:
        sys.exit(f"aws s3 cp/mv without an s3:// path: {' '.join(args)}")
    return actions


def cfn_deploy(args):
    actions = ["cloudformation:DescribeStacks", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
               "cloudformation:ExecuteChangeSet"]
    if "--s3-bucket" in args:  # uploads the template, then CloudFormation reads it with the caller's credentials
        actions += ["s3:PutObject", "s3:GetObject"]
    if "--role-arn" in args:
        actions.append("iam:PassRole")
    return actions


# The CLI's own commands (no API operation of that name) and operations whose IAM action has another name.
CLI_ACTIONS = {
    ("s3", "cp"): s3_transfer,
    ("s3", "mv"): lambda a: s3_transfer(a) + ["s3:DeleteObject"],
    ("s3", "sync"): lambda a: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"] + (["s3:DeleteObject"] if "--delete" in a else []),
    ("s3", "rm"): lambda a: ["s3:DeleteObject"] + (["s3:ListBucket"] if "--recursive" in a else []),
    ("s3", "ls"): lambda a: ["s3:ListBucket"],
    ("s3api", "list-objects-v2"): lambda a: ["s3:ListBucket"],
    ("s3api", "list-objects"): lambda a: ["s3:ListBucket"],
    ("s3api", "head-object"): lambda a: ["s3:GetObject"],
    ("s3api", "list-object-versions"): lambda a: ["s3:ListBucketVersions"],
    ("ecr", "get-login-password"): lambda a: ["ecr:GetAuthorizationToken"],
    ("cloudformation", "deploy"): cfn_deploy,
    # Without --role-arn CloudFormation reuses the stack's execution role, which the caller passes again.
    ("cloudformation", "create-change-set"): lambda a: ["cloudformation:CreateChangeSet", "iam:PassRole"],
    ("configure", "get"): lambda a: [],
    ("configure", "set"): lambda a: [],
}
CLI_SERVICES = {"s3api": "s3"}  # CLI name -> botocore service / IAM prefix where they differ

# GitHub actions a job runs after assuming a role, and what they call with it.
USES_ACTIONS = {
    "actions/checkout": [],
    "aws-actions/configure-aws-credentials": [],
    "aws-actions/amazon-ecr-login": ["ecr:GetAuthorizationToken"],
    "Swatinem/rust-cache": [],
}
VERBOSE = False
# Variable -> role in github-oidc.yml per GitHub environment of the job (None: no environment, the repository's
# value). The prod environment overrides the repository's AWS_DEPLOY_ROLE_ARN with ProdDeployRole's ARN.
ROLE_VARIABLES = {"AWS_DEPLOY_ROLE_ARN": {None: "DevDeployRole", "dev": "DevDeployRole", "prod": "ProdDeployRole"}}


def job_environments(job):
    """The GitHub environments a job can run in: a literal name, every one for an expression, None for none."""
    env = job.get("environment")
    name = env.get("name") if isinstance(env, dict) else env
    if name is None:
        return [None]
    return ["dev", "prod"] if "${{" in str(name) else [str(name)]


IAM = iam_actions()


def allowed(statements, action):
    """allows(), where an action that takes no resource ARN counts only on a Resource "*" statement (an allowance
    scoped to ARNs, e.g. logs:* on log-group:/payday/*, silently does not grant it)."""
    return allows(statements, action, any_resource=IAM.get(action.lower()) == [])


def any_resource_only(action):
    return IAM.get(action.lower()) == []


class Commands:
    """IAM actions of shell command text: aws CLI calls (via botocore's models) and docker push/pull."""

    def __init__(self):
        import botocore.session
        self.session = botocore.session.get_session()

    def actions(self, shell):
        shell = strip_comments(re.sub(r"\\\n", " ", shell))
        found = []  # (call text, [actions])
        for line in shell.splitlines():
            starts = [m for m in re.finditer(r"(?<![\w./$-])aws\s+([a-z0-9][a-z0-9-]*)\s+([a-z0-9][a-z0-9-]*)", line)]
            for i, m in enumerate(starts):
                end = starts[i + 1].start() if i + 1 < len(starts) else len(line)
                args = re.split(r"\s+", line[m.end():end].strip())
                found.append((f"aws {m.group(1)} {m.group(2)}", self.call(m.group(1), m.group(2), args)))
            if re.search(r"(?<![\w-])docker\s+push\b", line):
                found.append(("docker push", ECR_PUSH))
            if re.search(r"(?<![\w-])docker\s+pull\b", line):
                found.append(("docker pull", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]))
        return found

    def call(self, service, command, args):
        if (service, command) in CLI_ACTIONS:
            return CLI_ACTIONS[(service, command)](args)
        name = CLI_SERVICES.get(service, service)
        try:
            model = self.session.get_service_model(name)
        except Exception:
            sys.exit(f"unknown aws CLI service in `aws {service} {command}`")
        prefix = model.metadata.get("signingName", name)
        if command == "wait":
            waiter = "".join(w.capitalize() for w in args[0].split("-"))
            operation = self.session.get_waiter_model(name).get_waiter(waiter).operation
            return [f"{prefix}:{operation}"]
        operation = "".join(w.capitalize() for w in command.split("-"))
        if operation not in model.operation_names:
            sys.exit(f"`aws {service} {command}`: botocore knows no operation {operation}; add the command to CLI_ACTIONS")
        return [f"{prefix}:{operation}"]


def read_text(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def check_calls(role, statements, sources, cmds, failures):
    """sources: [(where, shell text)]; every action of every call (and of the scripts it runs) must be allowed."""
    scripts, calls, actions = set(), 0, set()
    for where, shell in list(sources):
        for script in scripts_closure(shell):
            if script != "Makefile" and script not in scripts:
                scripts.add(script)
                sources.append((script, read_text(script)))
    for where, shell in sources:
        for call, needed in cmds.actions(shell):
            calls += 1
            if VERBOSE:
                print(f"  {role}: {where}: {call} -> {', '.join(needed) or '(nothing)'}")
            for action in needed:
                actions.add(action)
                if action.lower() not in IAM:
                    failures.append(f"{role}: `{call}` in {where} maps to {action}, which is not an IAM action")
                elif not allowed(statements, action):
                    failures.append(f"{role}: `{call}` in {where} needs {action}, which the role does not allow")
    return calls, actions, scripts


# --- 1. execution role -----------------------------------------------------------------------------------------
def provider_schemas():
    import cfnlint
    base = os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas")
    with open(os.path.join(base, "providers", f"{SCHEMA_REGION}.json")) as f:
        index = json.load(f)

    def schema(resource_type):
        if resource_type not in index:
            sys.exit(f"cfn-lint ships no resource-provider schema for {resource_type}")
        with open(os.path.join(base, "resources", index[resource_type] + ".json")) as f:
            return json.load(f)
    return schema


def execution_role_export(pipeline):
    for output in pipeline.get("Outputs", {}).values():
        if output.get("Value") == {"Fn::GetAtt": ["CfnExecutionRole", "Arn"]}:
            return output.get("Export", {}).get("Name")
    return None


def key_policy_grants(resources, export):
    """{key logical id: [actions]} that the key policies of the stack's own keys grant the execution role
    (Principal {AWS: !ImportValue <its export>}): the only place it may manage a key."""
    grants = {}
    for name, res in resources.items():
        if res["Type"] != "AWS::KMS::Key":
            continue
        for st in res["Properties"].get("KeyPolicy", {}).get("Statement", []):
            principal = (st.get("Principal") or {}).get("AWS") if isinstance(st.get("Principal"), dict) else None
            if st.get("Effect") == "Allow" and principal == {"Fn::ImportValue": export}:
                actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                grants.setdefault(name, []).extend(actions)
    return grants


def uses_key(name, resource, key):
    """Whether a resource is that key or names it (Ref / GetAtt) in its properties."""
    text = json.dumps(resource.get("Properties", {}))
    return name == key or f'{{"Ref": "{key}"}}' in text or f'{{"Fn::GetAtt": ["{key}", "Arn"]}}' in text


def by_key_policy(rendered, grants, resource_type, action):
    """The action is granted by a key policy for every resource of this type: each uses one of the stack's keys
    whose policy grants the execution role that action."""
    resources = [(n, r) for n, r in rendered.items() if r["Type"] == resource_type]
    return bool(resources) and all(
        any(uses_key(n, r, key) and any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions)
            for key, actions in grants.items())
        for n, r in resources)


def check_execution_role(application, pipeline_path, failures):
    pipeline = load_template(pipeline_path)
    statements = role_statements(pipeline, "CfnExecutionRole", pipeline_path)
    export = execution_role_export(pipeline)
    if not export:
        failures.append("pipeline.yml exports no CfnExecutionRole ARN (the key policies name the role through it)")
    template = load_template(application)
    schema = provider_schemas()
    excused_used = set()
    for variant, params in VARIANTS.items():
        rendered = render(template, params)
        types = sorted({r["Type"] for r in rendered["Resources"].values()})
        checked, excused, unknown, via_keys = set(), 0, set(), set()
        grants = key_policy_grants(rendered["Resources"], export)
        for key, res in rendered["Resources"].items():
            if res["Type"] != "AWS::KMS::Key":
                continue
            admin = [a for a in grants.get(key, []) if re.match(r"(?i)^kms:(\*|Schedule|Disable|CancelKeyDeletion|"
                                                                   r"ImportKeyMaterial|DeleteImportedKeyMaterial)", a)]
            if admin:
                failures.append(f"[{variant}] {key}'s policy grants the execution role {', '.join(admin)}: a deploy "
                                "could destroy or disable the key")
        for resource_type in types:
            handlers = schema(resource_type).get("handlers")
            if not handlers:
                failures.append(f"CfnExecutionRole [{variant}]: {resource_type} has no handler permissions in its schema; "
                                "it cannot be proven here")
                continue
            needs = [(handler, action) for handler in HANDLERS for action in handlers.get(handler, {}).get("permissions", [])]
            for (t, prop), actions in NOT_IN_SCHEMA.items():
                if t == resource_type and any(prop in r.get("Properties", {}) for r in rendered["Resources"].values()
                                              if r["Type"] == t):
                    needs += [(f"with {prop} (service docs; not in its schema)", a) for a in actions]
            for handler, action in needs:
                if (resource_type, action) in RETAINED_ONLY:
                    kept = [r for r in rendered["Resources"].values() if r["Type"] == resource_type]
                    if all(r.get("DeletionPolicy") == "Retain" and r.get("UpdateReplacePolicy") == "Retain" for r in kept):
                        excused += 1
                        continue
                if (resource_type, action) in NOT_NEEDED:
                    if handler == "read":
                        failures.append(f"NOT_NEEDED excuses {resource_type} {action}, which the read handler needs")
                    excused_used.add((resource_type, action))
                    excused += 1
                    continue
                if action.lower() not in IAM:
                    unknown.add(action)
                    continue
                checked.add((resource_type, action))
                if action.lower().startswith("kms:") and by_key_policy(rendered["Resources"], grants, resource_type, action):
                    via_keys.add(action)
                    continue
                if not allowed(statements, action):
                    where = " on Resource \"*\" (it takes no resource ARN)" if any_resource_only(action) else ""
                    label = f"{handler} handler" if handler in HANDLERS else handler
                    failures.append(f"CfnExecutionRole [{variant}]: {resource_type} {label} needs {action}{where}")
        print(f"check-permissions: CfnExecutionRole [{variant}]: {len(types)} resource types, "
              f"{len(checked)} (type, action) pairs from their {'/'.join(HANDLERS)} handlers checked, "
              f"{len({a for _, a in checked})} distinct actions ({len(via_keys)} KMS actions granted by the policy of "
              f"the stack's own key, not by the role); {excused} excused by NOT_NEEDED or RETAINED_ONLY"
              + (f"; skipped, not IAM actions at all: {', '.join(sorted(unknown))}" if unknown else ""))
    for (resource_type, action), reason in NOT_NEEDED.items():
        if (resource_type, action) not in excused_used:
            failures.append(f"NOT_NEEDED entry {resource_type} {action} matches no resource of any variant (stale)")
        elif allowed(statements, action):
            failures.append(f"NOT_NEEDED entry {resource_type} {action} is allowed anyway (stale)")


# --- 1b. permissions boundary ---------------------------------------------------------------------------------
# What the execution role may do to a role only when the role carries the boundary (these actions support the
# iam:PermissionsBoundary condition key); removing a boundary must not be allowed at all.
BOUNDED_ACTIONS = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
                   "iam:AttachRolePolicy", "iam:DetachRolePolicy"]


def check_boundary(application, pipeline_path, failures):
    """Every role application.yml creates carries the boundary, the boundary allows what those roles use, and the
    execution role can create or widen a role only with the boundary on it."""
    pipeline = load_template(pipeline_path)
    statements = role_statements(pipeline, "CfnExecutionRole", pipeline_path)
    boundary_ref = None
    for action in BOUNDED_ACTIONS:
        grants = matching(statements, action)
        if not grants:
            failures.append(f"CfnExecutionRole does not allow {action}: the application stack cannot manage its roles")
        for _, _, sid, _, condition in grants:
            ref = condition.get("StringEquals", {}).get("iam:PermissionsBoundary")
            if not ref:
                failures.append(f"CfnExecutionRole allows {action} (statement {sid}) without the condition "
                                "iam:PermissionsBoundary: a deploy could create a role above the boundary")
            boundary_ref = boundary_ref or ref
    if allowed(statements, "iam:DeleteRolePermissionsBoundary"):
        failures.append("CfnExecutionRole allows iam:DeleteRolePermissionsBoundary: a deploy could lift the boundary")
    if not isinstance(boundary_ref, dict) or "Ref" not in boundary_ref:
        failures.append("the iam:PermissionsBoundary condition must !Ref the boundary policy of pipeline.yml")
        return
    policy = pipeline["Resources"][boundary_ref["Ref"]]
    name = policy["Properties"]["ManagedPolicyName"]
    ceiling = document_statements(policy["Properties"]["PolicyDocument"], f"{pipeline_path}: {boundary_ref['Ref']}")
    template = load_template(application)
    for variant, params in VARIANTS.items():
        rendered = render(template, params)["Resources"]
        roles, used = 0, set()
        for role_name, res in rendered.items():
            props = res.get("Properties", {})
            if res["Type"] == "AWS::IAM::Role":
                roles += 1
                arn = props.get("PermissionsBoundary", {})
                arn = arn.get("Fn::Sub", "") if isinstance(arn, dict) else arn
                if not str(arn).endswith(f":policy/{name}"):
                    failures.append(f"[{variant}] role {role_name} has no PermissionsBoundary ...:policy/{name}")
                if props.get("ManagedPolicyArns"):
                    failures.append(f"[{variant}] role {role_name} has managed policies; the boundary check cannot read them")
                docs = [p["PolicyDocument"] for p in props.get("Policies", [])]
            elif res["Type"] in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy"):
                docs = [props["PolicyDocument"]]
            else:
                continue
            for doc in docs:
                for effect, actions, _, _, _ in document_statements(doc, role_name):
                    for action in actions if effect == "Allow" else []:
                        used.add(action)
                        if not allows(ceiling, action):
                            failures.append(f"[{variant}] {role_name} uses {action}, which the boundary {name} "
                                            "does not allow (it would be denied at run time)")
        print(f"check-permissions: boundary [{variant}]: {roles} roles carry {name}; {len(used)} actions they use "
              "are inside it")
    print(f"check-permissions: CfnExecutionRole: {', '.join(BOUNDED_ACTIONS)} only with the boundary; "
          "no iam:DeleteRolePermissionsBoundary")


# --- 2. roles that run commands ------------------------------------------------------------------------------
def check_github(oidc_path, cmds, failures):
    template = load_template(oidc_path)
    per_role = {}
    workflows = sorted(f for f in os.listdir(os.path.join(ROOT, ".github", "workflows")) if f.endswith((".yml", ".yaml")))
    for wf in workflows:
        path = f".github/workflows/{wf}"
        doc = yaml.safe_load(read_text(path))
        for job_name, job in (doc.get("jobs") or {}).items():
            role, sources, uses = None, [], []
            for step in job.get("steps", []):
                if "configure-aws-credentials" in str(step.get("uses", "")):
                    target = str(step.get("with", {}).get("role-to-assume", ""))
                    names = [v for k, v in ROLE_VARIABLES.items() if k in target]
                    if not names:
                        failures.append(f"{path} job {job_name} assumes {target}, which ROLE_VARIABLES does not map to a role")
                        break
                    role = sorted({names[0][e] for e in job_environments(job)})
                    continue
                if role is None:
                    continue
                if "run" in step:
                    sources.append((f"{path} job {job_name}", step["run"]))
                if "uses" in step:
                    action = step["uses"].split("@")[0]
                    if action not in USES_ACTIONS:
                        failures.append(f"{path} job {job_name}: step uses {action} with AWS credentials; say in "
                                        "USES_ACTIONS what it calls")
                    uses.append((f"{path} job {job_name} ({action})", USES_ACTIONS.get(action, [])))
            for r in role or []:  # a job that can run in dev or prod must work with either role
                per_role.setdefault(r, ([], []))
                per_role[r][0].extend(sources)
                per_role[r][1].extend(uses)
    check_trust(template, failures)
    for role, (sources, uses) in sorted(per_role.items()):
        statements = role_statements(template, role, oidc_path)
        n_jobs = len({w for w, _ in sources} | {w.split(" (")[0] for w, _ in uses})
        calls, actions, scripts = check_calls(role, statements, sources, cmds, failures)
        for where, needed in uses:
            for action in needed:
                actions.add(action)
                if not allowed(statements, action):
                    failures.append(f"{role}: {where} needs {action}, which the role does not allow")
        print(f"check-permissions: {role} (github-oidc.yml): {n_jobs} workflow jobs, {len(scripts)} scripts "
              f"({', '.join(sorted(scripts))}), {calls} calls -> {len(actions)} distinct actions checked")
    if not per_role:
        failures.append("no workflow job assumes an AWS role: nothing was checked")


def check_trust(template, failures):
    """Each deploy role trusts exactly the GitHub subjects of the jobs mapped to it: environment:<name> for each
    environment, ref:refs/heads/main for jobs without one (so the prod role trusts only the prod environment)."""
    for role, envs in sorted({r: {e for e, rr in m.items() if rr == r}
                              for m in ROLE_VARIABLES.values() for r in m.values()}.items()):
        expected = {f"environment:{e}" for e in envs if e} | ({"ref:refs/heads/main"} if None in envs else set())
        subjects = set()
        for st in template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
            for test in st.get("Condition", {}).values():
                values = test.get("token.actions.githubusercontent.com:sub", [])
                for v in values if isinstance(values, list) else [values]:
                    v = v.get("Fn::Sub", v) if isinstance(v, dict) else v
                    subjects.add(str(v).replace("repo:${GitHubRepository}:", "", 1))
        if subjects != expected:
            failures.append(f"{role} trusts GitHub subjects {sorted(subjects)}; its jobs need exactly {sorted(expected)}")
        else:
            print(f"check-permissions: {role} trusts only {', '.join(sorted(subjects))} of this repository")


def check_codebuild(pipeline_path, cmds, failures):
    template = load_template(pipeline_path)
    resources = template["Resources"]
    for name, project in sorted(resources.items()):
        if project["Type"] != "AWS::CodeBuild::Project":
            continue
        props = project["Properties"]
        role = props["ServiceRole"]["Fn::GetAtt"][0] if isinstance(props["ServiceRole"], dict) else None
        if role is None:
            failures.append(f"{name}: ServiceRole is not a role of this template; cannot check it")
            continue
        statements = role_statements(template, role, pipeline_path)
        path, spec = load_buildspec(project)
        sources = [(f"{path or name + ' inline buildspec'}", "\n".join(buildspec_commands(spec)))]
        calls, actions, scripts = check_calls(role, statements, sources, cmds, failures)
        # What CodeBuild does with the role before and after the commands.
        implicit = []
        if props.get("LogsConfig", {}).get("CloudWatchLogs", {}).get("Status") == "ENABLED":
            implicit += ["logs:CreateLogStream", "logs:PutLogEvents"]
        if props["Source"]["Type"] == "CODEPIPELINE":
            implicit += ["s3:GetObject"]
        if props.get("Artifacts", {}).get("Type") == "CODEPIPELINE" and spec.get("artifacts"):
            implicit += ["s3:PutObject"]
        if props.get("EncryptionKey"):
            implicit += ["kms:Decrypt"] + (["kms:GenerateDataKey"] if spec.get("artifacts") else [])
        for action in implicit:
            actions.add(action)
            if not allowed(statements, action):
                failures.append(f"{role}: CodeBuild project {name} itself needs {action}")
        print(f"check-permissions: {role} (CodeBuild {name}): {len(scripts)} scripts, {calls} calls + "
              f"{len(implicit)} CodeBuild actions -> {len(actions)} distinct actions checked")


# CodePipeline action type -> what the pipeline role calls for it (AWS CodePipeline service-role documentation).
PIPELINE_ACTIONS = {
    ("Source", "CodeStarSourceConnection"): lambda c: ["codestar-connections:UseConnection"],
    ("Build", "CodeBuild"): lambda c: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
    ("Deploy", "CloudFormation"): lambda c: {
        "CHANGE_SET_REPLACE": ["cloudformation:DescribeStacks", "cloudformation:CreateChangeSet",
                               "cloudformation:DescribeChangeSet", "cloudformation:DeleteChangeSet"],
        "CHANGE_SET_EXECUTE": ["cloudformation:DescribeStacks", "cloudformation:DescribeChangeSet",
                               "cloudformation:ExecuteChangeSet"],
    }[c["ActionMode"]] + (["iam:PassRole"] if "RoleArn" in c else []),
    ("Approval", "Manual"): lambda c: ["sns:Publish"] if "NotificationArn" in c else [],
}


def check_pipeline(pipeline_path, failures):
    template = load_template(pipeline_path)
    for name, pipeline in sorted(template["Resources"].items()):
        if pipeline["Type"] != "AWS::CodePipeline::Pipeline":
            continue
        props = pipeline["Properties"]
        role = props["RoleArn"]["Fn::GetAtt"][0]
        statements = role_statements(template, role, pipeline_path)
        actions, n = set(), 0
        for stage in props["Stages"]:
            for action in stage["Actions"]:
                n += 1
                kind = (action["ActionTypeId"]["Category"], action["ActionTypeId"]["Provider"])
                if kind not in PIPELINE_ACTIONS:
                    failures.append(f"{name} {stage['Name']}/{action['Name']}: action type {kind} is not in PIPELINE_ACTIONS")
                    continue
                needed = PIPELINE_ACTIONS[kind](action.get("Configuration", {}))
                if action.get("InputArtifacts"):
                    needed += ["s3:GetObject"]
                if action.get("OutputArtifacts"):
                    needed += ["s3:PutObject"]
                if (action.get("InputArtifacts") or action.get("OutputArtifacts")) and props["ArtifactStore"].get("EncryptionKey"):
                    needed += ["kms:Decrypt", "kms:GenerateDataKey"]
                for a in needed:
                    actions.add(a)
                    if not allowed(statements, a):
                        failures.append(f"{role}: {name} action {stage['Name']}/{action['Name']} ({kind[1]}) needs {a}")
        print(f"check-permissions: {role} (CodePipeline {name}): {n} actions -> {len(actions)} distinct IAM actions checked")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--application", default="infra/application.yml")
    parser.add_argument("--pipeline", default="infra/pipeline.yml")
    parser.add_argument("--oidc", default="infra/github-oidc.yml")
    parser.add_argument("--verbose", action="store_true", help="print every command and the actions it maps to")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    failures = []
    check_execution_role(args.application, args.pipeline, failures)
    check_boundary(args.application, args.pipeline, failures)
    cmds = Commands()
    check_github(args.oidc, cmds, failures)
    check_codebuild(args.pipeline, cmds, failures)
    check_pipeline(args.pipeline, failures)
    for f in failures:
        print(f"check-permissions: MISSING {f}", file=sys.stderr)
    if failures:
        sys.exit(f"check-permissions: {len(failures)} missing permissions (above)")
    print("check-permissions: every checked action is allowed")


if __name__ == "__main__":
    main()
