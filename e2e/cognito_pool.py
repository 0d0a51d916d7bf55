"""Creates a Cognito user pool and a public web app client on an emulator (moto_server) for the cognito-mode
browser tests, shaped like infra/application.yml's UserPool/UserPoolClient: e-mail as the username, e-mail
auto-verified (so SignUp sends a code), the same password policy, USER_PASSWORD_AUTH + REFRESH_TOKEN_AUTH,
no client secret, token revocation on. Prints "<pool id> <client id>".

Usage: python cognito_pool.py http://127.0.0.1:PORT   (boto3 comes with moto; dummy credentials)
"""

import os
import sys

import boto3

endpoint = sys.argv[1]
region = os.environ.get("AWS_REGION", "us-east-1")
idp = boto3.client(
    "cognito-idp",
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
pool = idp.create_user_pool(
    PoolName="payday-e2e",
    UsernameAttributes=["email"],
    AutoVerifiedAttributes=["email"],
    UsernameConfiguration={"CaseSensitive": False},
    Policies={
        "PasswordPolicy": {
            "MinimumLength": 12,
            "RequireLowercase": True,
            "RequireUppercase": True,
            "RequireNumbers": True,
            "RequireSymbols": True,
        }
    },
    AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
)["UserPool"]
client = idp.create_user_pool_client(
    UserPoolId=pool["Id"],
    ClientName="payday-e2e-web",
    GenerateSecret=False,
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    PreventUserExistenceErrors="ENABLED",
    EnableTokenRevocation=True,
)["UserPoolClient"]
print(pool["Id"], client["ClientId"])
