# Builds each Lambda function for `sam build` (template.yaml: Metadata.BuildMethod makefile, CodeUri .).
#
# Why makefile and not SAM's Maven builder: SAM's Java builder copies only the CodeUri folder to a scratch
# directory and runs `mvn clean install` there, so a module whose parent is ../pom.xml cannot build. Running Maven
# from the repository root keeps one parent POM with every version pinned once, and each function still ships
# only its own shaded jar (lib/<jar>.jar), which the java21 runtime puts on the classpath.
#
# SAM calls `make build-<LogicalId>` with ARTIFACTS_DIR set. `make functions` builds every jar without SAM;
# `make artifacts ARTIFACTS_ROOT=DIR` builds them and lays them out as .aws-sam/build (DIR/<LogicalId>/lib/…).

JAVA_HOME ?= $(shell scripts/find-jdk)
export JAVA_HOME
MVN ?= mvn
MVN_FLAGS ?= -B -q -DskipTests
ARTIFACTS_ROOT ?= .aws-sam/build

# Logical ID -> the module that builds it and the jar it ships.
FUNCTIONS := JobWorkerFunction HeavyJobWorkerFunction MaintenanceToggleFunction VerifyWritesFunction \
	QueuesDrainedFunction ScheduleHookFunction ScheduleGroupToggleFunction DlqRedriveFunction AlarmNotifierFunction
MODULE_JobWorkerFunction := job-worker
JAR_JobWorkerFunction := job-worker
MODULE_HeavyJobWorkerFunction := job-worker
JAR_HeavyJobWorkerFunction := job-worker
MODULE_MaintenanceToggleFunction := cutover-steps
JAR_MaintenanceToggleFunction := cutover-steps
MODULE_VerifyWritesFunction := cutover-steps
JAR_VerifyWritesFunction := cutover-steps
MODULE_QueuesDrainedFunction := cutover-steps
JAR_QueuesDrainedFunction := cutover-steps
MODULE_ScheduleHookFunction := schedule-hook
JAR_ScheduleHookFunction := schedule-hook
MODULE_ScheduleGroupToggleFunction := schedule-hook
JAR_ScheduleGroupToggleFunction := schedule-hook
MODULE_DlqRedriveFunction := ops
JAR_DlqRedriveFunction := ops
MODULE_AlarmNotifierFunction := ops
JAR_AlarmNotifierFunction := ops

.PHONY: functions artifacts $(addprefix build-,$(FUNCTIONS)) $(addprefix stage-,$(FUNCTIONS))
functions:
	$(MVN) $(MVN_FLAGS) -pl functions/job-worker,functions/schedule-hook,functions/ops,functions/cutover-steps -am package

artifacts: functions
	@for id in $(FUNCTIONS); do $(MAKE) --no-print-directory stage-$$id ARTIFACTS_DIR="$(ARTIFACTS_ROOT)/$$id" || exit 1; done

# Copies what a function ships into ARTIFACTS_DIR, from jars already built.
$(addprefix stage-,$(FUNCTIONS)): stage-%:
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/$(MODULE_$*)/target/$(JAR_$*).jar "$(ARTIFACTS_DIR)/lib/"

# What `sam build` calls, one target per function of template.yaml.
build-JobWorkerFunction build-HeavyJobWorkerFunction build-MaintenanceToggleFunction build-VerifyWritesFunction \
build-QueuesDrainedFunction build-ScheduleHookFunction build-ScheduleGroupToggleFunction build-DlqRedriveFunction \
build-AlarmNotifierFunction: build-%:
	$(MVN) $(MVN_FLAGS) -pl functions/$(MODULE_$*) -am package
	$(MAKE) --no-print-directory stage-$* ARTIFACTS_DIR="$(ARTIFACTS_DIR)"
