# Builds each Lambda function for `sam build` (template.yaml: Metadata.BuildMethod makefile, CodeUri .).
#
# Why makefile and not SAM's Maven builder: SAM's Java builder copies only the CodeUri folder to a scratch
# directory and runs `mvn clean install` there, so a module whose parent is ../pom.xml cannot build. Running Maven
# from the repository root keeps one parent POM with every version pinned once, and each function still ships
# only its own shaded jar (lib/<module>.jar), which the java21 runtime puts on the classpath.
#
# SAM calls `make build-<LogicalId>` with ARTIFACTS_DIR set. `make functions` builds every jar without SAM.

JAVA_HOME ?= $(shell scripts/find-jdk)
export JAVA_HOME
MVN ?= mvn
MVN_FLAGS ?= -B -q -DskipTests

define package_function
	$(MVN) $(MVN_FLAGS) -pl functions/$(1) -am package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/$(1)/target/$(1).jar "$(ARTIFACTS_DIR)/lib/"
endef

.PHONY: functions
functions:
	$(MVN) $(MVN_FLAGS) -pl functions/job-worker,functions/schedule-hook,functions/ops,functions/cutover-steps -am package

build-JobWorkerFunction:
	$(call package_function,job-worker)

build-HeavyJobWorkerFunction:
	$(call package_function,job-worker)

build-MaintenanceToggleFunction:
	$(call package_function,cutover-steps)

build-VerifyWritesFunction:
	$(call package_function,cutover-steps)

build-QueuesDrainedFunction:
	$(call package_function,cutover-steps)

build-ScheduleHookFunction:
	$(call package_function,schedule-hook)

build-ScheduleGroupToggleFunction:
	$(call package_function,schedule-hook)

build-DlqRedriveFunction:
	$(call package_function,ops)

build-AlarmNotifierFunction:
	$(call package_function,ops)
