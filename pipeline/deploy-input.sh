#!/usr/bin/env bash
# Prints the deploy state machine's input (the shape of events/statemachines/deploy-input.json) for a new Django
# image: registers a new revision of the web, worker and migrate task definitions with IMAGE in their Django
# container, and names the services' current revisions as what a failure rolls back to. The cluster, service,
# family and container names are the stack's own parameters (EcsClusterName, WebServiceName, WorkerServiceName,
# MigrateTaskDefinitionFamily, MigrateContainerName), read from CloudFormation so they are said once.
#
#   IMAGE=123456789012.dkr.ecr.eu-central-1.amazonaws.com/django:3f9c2ab STACK=outrigger-dev \
#   ECS_SUBNETS=subnet-0a1b,subnet-0b1c ECS_SECURITY_GROUPS=sg-0c1d pipeline/deploy-input.sh > deploy-input.json
#
# Needs awscli and jq, and the rights bootstrap.yaml grants with EcrRepositoryName set.
set -euo pipefail

: "${IMAGE:?IMAGE: the image to roll out, registry/repository:tag}"
: "${ECS_SUBNETS:?ECS_SUBNETS: comma-separated subnets of the migrate task}"
: "${ECS_SECURITY_GROUPS:?ECS_SECURITY_GROUPS: comma-separated security groups of the migrate task}"
STACK=${STACK:-outrigger-${ENVIRONMENT:?STACK or ENVIRONMENT: which outrigger stack}}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].Parameters' --output json > "$tmp/parameters.json"
parameter() {
  jq -er --arg key "$1" 'map(select(.ParameterKey == $key))[0].ParameterValue // error("stack '"$STACK"' has no parameter \($key)")' \
    "$tmp/parameters.json"
}
cluster=$(parameter EcsClusterName)
web_service=$(parameter WebServiceName)
worker_service=$(parameter WorkerServiceName)
migrate_family=$(parameter MigrateTaskDefinitionFamily)
container=$(parameter MigrateContainerName)

# The task definition a service runs now: where a failed deploy rolls it back to.
running() {
  aws ecs describe-services --cluster "$cluster" --services "$1" \
    --query 'services[0].taskDefinition' --output text
}

# A new revision of task definition $1 with IMAGE in the container named $container; prints its ARN.
# Only the fields RegisterTaskDefinition takes are copied (DescribeTaskDefinition adds status, revision, …).
register_with_image() {
  aws ecs describe-task-definition --task-definition "$1" --query taskDefinition --output json |
    jq --arg image "$IMAGE" --arg container "$container" '
      if any(.containerDefinitions[]; .name == $container) then .
      else error("task definition \(.family) has no container \($container) (the stack'"'"'s MigrateContainerName)") end
      | .containerDefinitions |= map(if .name == $container then .image = $image else . end)
      | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints,
         requiresCompatibilities, cpu, memory, pidMode, ipcMode, proxyConfiguration, inferenceAccelerators,
         ephemeralStorage, runtimePlatform}
      | with_entries(select(.value != null))' > "$tmp/task-definition.json"
  aws ecs register-task-definition --cli-input-json "file://$tmp/task-definition.json" \
    --query 'taskDefinition.taskDefinitionArn' --output text
}

previous_web=$(running "$web_service")
previous_worker=$(running "$worker_service")
web=$(register_with_image "$previous_web")
worker=$(register_with_image "$previous_worker")
migrate=$(register_with_image "$migrate_family")

jq -n --arg cluster "$cluster" --arg web_service "$web_service" --arg worker_service "$worker_service" \
  --arg migrate "$migrate" --arg web "$web" --arg worker "$worker" \
  --arg previous_web "$previous_web" --arg previous_worker "$previous_worker" \
  --arg image_tag "${IMAGE##*:}" --arg subnets "$ECS_SUBNETS" --arg security_groups "$ECS_SECURITY_GROUPS" '{
    cluster: $cluster, web_service: $web_service, worker_service: $worker_service,
    migrate_task_definition: $migrate, web_task_definition: $web, worker_task_definition: $worker,
    previous_web_task_definition: $previous_web, previous_worker_task_definition: $previous_worker,
    image_tag: $image_tag,
    subnets: ($subnets | split(",") | map(select(. != ""))),
    security_groups: ($security_groups | split(",") | map(select(. != "")))
  }'
