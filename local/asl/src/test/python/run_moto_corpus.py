"""Runs each corpus case through moto's Step Functions executor and prints one JSON line per case.

Usage: python3 run_moto_corpus.py <corpus-dir> [case-name ...]

Each line: {"case", "status", "output" (raw string as moto returns it, or null), "error", "cause"}.
A fresh mock_aws() per execution, so cases cannot leak state into each other.
"""
import json
import os
import sys
import time

import boto3
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/corpus"


def run_case(name, case):
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="corpus", definition=json.dumps(case["definition"]), roleArn=ROLE
        )["stateMachineArn"]
        execution = client.start_execution(
            stateMachineArn=arn, name="corpus-execution", input=json.dumps(case["input"])
        )["executionArn"]
        deadline = time.time() + 30
        while True:
            described = client.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING" or time.time() > deadline:
                break
            time.sleep(0.02)
        return {
            "case": name,
            "status": described["status"],
            "output": described.get("output"),
            "error": described.get("error"),
            "cause": described.get("cause"),
        }


def main():
    corpus = sys.argv[1]
    wanted = set(sys.argv[2:])
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for file in sorted(os.listdir(corpus)):
        if not file.endswith(".json"):
            continue
        name = file[: -len(".json")]
        if wanted and name not in wanted:
            continue
        with open(os.path.join(corpus, file)) as f:
            case = json.load(f)
        try:
            line = run_case(name, case)
        except Exception as e:  # moto itself crashed on this definition
            line = {"case": name, "status": "MOTO_ERROR", "output": None, "error": type(e).__name__, "cause": str(e)}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
