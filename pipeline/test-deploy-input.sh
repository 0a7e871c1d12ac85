#!/usr/bin/env bash
# Proves pipeline/deploy-input.sh against ECS and CloudFormation as moto serves them (python3 -m moto.server on
# 127.0.0.1, a port the OS picks): new revisions carry the image in the Django container only, the services' current
# revisions are the rollback targets, and the input has exactly the keys of events/statemachines/deploy-input.json.
# Skipped when python3 has no moto or there is no awscli/jq, except under CI=true, where that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

missing=""
python3 -c "import moto.server" 2>/dev/null || missing="moto for python3"
command -v aws >/dev/null || missing="$missing awscli"
command -v jq >/dev/null || missing="$missing jq"
if [ -n "$missing" ]; then
  echo "test-deploy-input: $missing missing" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "test-deploy-input: skipped"; exit 0
fi

work=$(mktemp -d)
python3 -m moto.server -H 127.0.0.1 -p 0 > "$work/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$work"' EXIT
port=""
for _ in $(seq 150); do
  port=$(grep -oP 'Running on http://127\.0\.0\.1:\K[0-9]+' "$work/moto.log" | head -1 || true)
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || { echo "test-deploy-input: moto.server did not start" >&2; cat "$work/moto.log" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port
unset AWS_PROFILE AWS_SESSION_TOKEN
aws ecs create-cluster --cluster-name shop-prod >/dev/null
for family in shop-web shop-worker shop-migrate; do
  aws ecs register-task-definition --family "$family" --network-mode awsvpc --requires-compatibilities FARGATE \
    --cpu 256 --memory 512 --task-role-arn arn:aws:iam::123456789012:role/django-task \
    --execution-role-arn arn:aws:iam::123456789012:role/django-task-execution \
    --container-definitions '[{"name":"app","image":"shop:old","essential":true},{"name":"proxy","image":"envoy:1.30"}]' >/dev/null
done
aws ecs create-service --cluster shop-prod --service-name shop-web --task-definition shop-web:1 --desired-count 2 >/dev/null
aws ecs create-service --cluster shop-prod --service-name shop-worker --task-definition shop-worker:1 --desired-count 1 >/dev/null
cat > "$work/stack.yaml" <<'YAML'
Parameters:
  EcsClusterName: {Type: String, Default: shop-prod}
  WebServiceName: {Type: String, Default: shop-web}
  WorkerServiceName: {Type: String, Default: shop-worker}
  MigrateTaskDefinitionFamily: {Type: String, Default: shop-migrate}
  MigrateContainerName: {Type: String, Default: app}
Resources:
  Queue: {Type: AWS::SQS::Queue}
YAML
aws cloudformation create-stack --stack-name outrigger-prod --template-body "file://$work/stack.yaml" >/dev/null

IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:3f9c2ab ENVIRONMENT=prod \
  ECS_SUBNETS=subnet-0a1b,subnet-0b1c ECS_SECURITY_GROUPS=sg-0c1d pipeline/deploy-input.sh > "$work/input.json"

passed=0 failures=0
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok: $1"; passed=$((passed + 1))
  else echo "FAILED: $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}
td=arn:aws:ecs:us-east-1:123456789012:task-definition
check "same keys as events/statemachines/deploy-input.json" \
  "$(jq -c 'keys' "$root/events/statemachines/deploy-input.json")" "$(jq -c 'keys' "$work/input.json")"
check "new web revision" "$td/shop-web:2" "$(jq -r .web_task_definition "$work/input.json")"
check "new worker revision" "$td/shop-worker:2" "$(jq -r .worker_task_definition "$work/input.json")"
check "new migrate revision" "$td/shop-migrate:2" "$(jq -r .migrate_task_definition "$work/input.json")"
check "web rolls back to what it runs now" "$td/shop-web:1" "$(jq -r .previous_web_task_definition "$work/input.json")"
check "workers roll back to what they run now" "$td/shop-worker:1" "$(jq -r .previous_worker_task_definition "$work/input.json")"
check "cluster and services from the stack's parameters" "shop-prod shop-web shop-worker" \
  "$(jq -r '[.cluster, .web_service, .worker_service] | join(" ")' "$work/input.json")"
check "image tag" "3f9c2ab" "$(jq -r .image_tag "$work/input.json")"
check "subnets and security groups as lists" '["subnet-0a1b","subnet-0b1c"] ["sg-0c1d"]' \
  "$(jq -c .subnets "$work/input.json") $(jq -c .security_groups "$work/input.json")"
check "the image goes into the Django container only" \
  "app=123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:3f9c2ab proxy=envoy:1.30" \
  "$(aws ecs describe-task-definition --task-definition shop-web:2 --output json \
      | jq -r '[.taskDefinition.containerDefinitions[] | "\(.name)=\(.image)"] | join(" ")')"
check "roles carried over" "arn:aws:iam::123456789012:role/django-task" \
  "$(aws ecs describe-task-definition --task-definition shop-migrate:2 --query taskDefinition.taskRoleArn --output text)"

if ENVIRONMENT=prod IMAGE=x:y ECS_SUBNETS=s ECS_SECURITY_GROUPS=g STACK=outrigger-missing \
    pipeline/deploy-input.sh > /dev/null 2> "$work/err"; then
  check "a missing stack fails" "non-zero" "0"
else
  check "a missing stack fails, saying which" "yes" "$(grep -q outrigger-missing "$work/err" && echo yes || echo no)"
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
