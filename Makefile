# Builds each Lambda function for `sam build` (template.yaml: Metadata.BuildMethod makefile, CodeUri .).
#
# Why makefile and not SAM's Maven builder: SAM's Java builder copies only the CodeUri folder to a scratch
# directory and runs `mvn clean install` there, so a module whose parent is ../pom.xml cannot build. Running Maven
# from the repository root keeps one parent POM with every version pinned once, and each function still ships
# only its own shaded jar (lib/<jar>.jar), which the java21 runtime puts on the classpath.
#
# Each function ships only what it uses: a module that serves two functions with different AWS clients builds one
# jar per function. The signing secret's client is not in any function jar: it comes from a layer, one per service
# (SecretsManagerSecretLayer, SsmSecretLayer), and template.yaml gives each signing function the one that matches
# SigningSecretArn. A layer's jar goes in java/lib/, which the java21 runtime also puts on the class path.
#
# SAM calls `make build-<LogicalId>` with ARTIFACTS_DIR set, in the repository itself: samconfig.toml builds in
# source, because with CodeUri . SAM's usual scratch copy would be the whole repository, once per function and layer.
# The builds share the modules' target/ directories, so they must not run in parallel. `make functions` builds every
# jar without SAM; `make artifacts ARTIFACTS_ROOT=DIR` builds them and lays them out as .aws-sam/build does
# (DIR/<Function>/lib/…, DIR/<Layer>/java/lib/…); `make stage-<LogicalId> ARTIFACTS_DIR=DIR` copies one from jars
# already built. SamMakefileBuildIT (tests/) builds every function and layer of template.yaml as sam build does.

JAVA_HOME ?= $(shell scripts/find-jdk)
export JAVA_HOME
MVN ?= mvn
MVN_FLAGS ?= -B -q -DskipTests
ARTIFACTS_ROOT ?= .aws-sam/build
comma := ,

# Logical ID -> the module that builds it and the jar it ships.
FUNCTIONS := JobWorkerFunction HeavyJobWorkerFunction MaintenanceToggleFunction VerifyWritesFunction \
	QueuesDrainedFunction ScheduleHookFunction ScheduleGroupToggleFunction DlqRedriveFunction AlarmNotifierFunction
MODULE_JobWorkerFunction := job-worker
JAR_JobWorkerFunction := job-worker
MODULE_HeavyJobWorkerFunction := job-worker
JAR_HeavyJobWorkerFunction := job-worker
MODULE_MaintenanceToggleFunction := cutover-steps
JAR_MaintenanceToggleFunction := cutover-django
MODULE_VerifyWritesFunction := cutover-steps
JAR_VerifyWritesFunction := cutover-django
MODULE_QueuesDrainedFunction := cutover-steps
JAR_QueuesDrainedFunction := queues-drained
MODULE_ScheduleHookFunction := schedule-hook
JAR_ScheduleHookFunction := schedule-hook
MODULE_ScheduleGroupToggleFunction := schedule-hook
JAR_ScheduleGroupToggleFunction := schedule-group-toggle
MODULE_DlqRedriveFunction := ops
JAR_DlqRedriveFunction := ops
MODULE_AlarmNotifierFunction := ops
JAR_AlarmNotifierFunction := ops

LAYERS := SecretsManagerSecretLayer SsmSecretLayer
MODULE_SecretsManagerSecretLayer := secret-secretsmanager
JAR_SecretsManagerSecretLayer := secret-secretsmanager
MODULE_SsmSecretLayer := secret-ssm
JAR_SsmSecretLayer := secret-ssm

MODULES := $(sort $(foreach id,$(FUNCTIONS) $(LAYERS),functions/$(MODULE_$(id))))

.PHONY: functions artifacts $(addprefix build-,$(FUNCTIONS) $(LAYERS)) $(addprefix stage-,$(FUNCTIONS) $(LAYERS))
functions:
	$(MVN) $(MVN_FLAGS) -pl $(subst $(eval) ,$(comma),$(MODULES)) -am package

artifacts: functions
	@for id in $(FUNCTIONS) $(LAYERS); do $(MAKE) --no-print-directory stage-$$id ARTIFACTS_DIR="$(ARTIFACTS_ROOT)/$$id" || exit 1; done

# Copies what a function or layer ships into ARTIFACTS_DIR, from jars already built.
$(addprefix stage-,$(FUNCTIONS)): stage-%:
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/$(MODULE_$*)/target/$(JAR_$*).jar "$(ARTIFACTS_DIR)/lib/"

$(addprefix stage-,$(LAYERS)): stage-%:
	mkdir -p "$(ARTIFACTS_DIR)/java/lib"
	cp functions/$(MODULE_$*)/target/$(JAR_$*).jar "$(ARTIFACTS_DIR)/java/lib/"

# A module's jars are up to date when they are newer than everything their build reads: the parent POM, core and the
# envelope schema it embeds, and the module (POM, main sources, resources; directories too, so a deleted or renamed
# file counts). Then the second function of a module, and a sam build with nothing changed, run no Maven.
module_inputs = pom.xml $(shell find functions/core functions/$(1) events/schema \( -name target -o -path '*/src/test' \) -prune -o -print)

.SECONDEXPANSION:
functions/%/target/.jars-built: $$(call module_inputs,$$*)
	$(MVN) $(MVN_FLAGS) -pl functions/$* -am package
	touch $@

# What `sam build` calls, one target per function and layer of template.yaml.
build-JobWorkerFunction build-HeavyJobWorkerFunction build-MaintenanceToggleFunction build-VerifyWritesFunction \
build-QueuesDrainedFunction build-ScheduleHookFunction build-ScheduleGroupToggleFunction build-DlqRedriveFunction \
build-AlarmNotifierFunction build-SecretsManagerSecretLayer build-SsmSecretLayer: build-%: functions/$$(MODULE_$$*)/target/.jars-built
	$(MAKE) --no-print-directory stage-$* ARTIFACTS_DIR="$(ARTIFACTS_DIR)"
