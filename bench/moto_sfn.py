"""Runs one ASL definition on moto's Step Functions executor and prints the median wall time per execution.

Usage: python3 bench/moto_sfn.py <definition.json> <input json> <runs>
moto executes state machines only with the config flag stepfunctions.execute_state_machine (moto >= 5).
"""
import json
import statistics
import sys
import time

import boto3
from moto import mock_aws
import copy
import types

import moto.stepfunctions.parser.models as parser_models

# moto 5.2 deep-copies the state machine on every StartExecution, and on this Python that copy fails
# ("cannot pickle '_thread.RLock' object"). The benchmark never changes a machine, so a shallow copy is equivalent.
parser_models.copy = types.SimpleNamespace(deepcopy=copy.copy)


def main() -> None:
    definition = open(sys.argv[1], encoding="utf-8").read()
    payload = sys.argv[2]
    runs = int(sys.argv[3])
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        times = []
        status = None
        for i in range(runs + 1):
            # A state machine per execution: moto 5.2 deep-copies the machine on each start, and one that has run an
            # execution holds a lock that cannot be copied ("cannot pickle '_thread.RLock'"). Not timed.
            arn = sfn.create_state_machine(name=f"bench-loop-{i}", definition=definition,
                                           roleArn="arn:aws:iam::123456789012:role/bench")["stateMachineArn"]
            start = time.perf_counter()
            execution = sfn.start_execution(stateMachineArn=arn, name=f"run-{i}", input=payload)["executionArn"]
            while True:
                described = sfn.describe_execution(executionArn=execution)
                status = described["status"]
                if status != "RUNNING":
                    break
                time.sleep(0.001)  # moto runs the execution on its own thread; poll it
            elapsed = (time.perf_counter() - start) * 1000
            if status != "SUCCEEDED":
                print(json.dumps({"error": status, "output": described.get("output"), "cause": described.get("cause")}))
                sys.exit(1)
            if i > 0:
                times.append(elapsed)
        print(json.dumps({"medianMs": statistics.median(times), "runs": runs, "output": json.loads(described["output"])}))


if __name__ == "__main__":
    main()
