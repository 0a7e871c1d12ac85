package dev.outrigger.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalTemplateTest {
    private static final LocalEndpoints ENDPOINTS = LocalEndpoints.of(9324, 9325, "us-east-1");

    private static Path resource(String name) {
        try {
            return Path.of(LocalTemplateTest.class.getResource("/templates/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LocalTemplate full(Map<String, String> params) {
        return LocalTemplate.load(resource("full.yaml"), params, ENDPOINTS);
    }

    private static LocalTemplate inline(String yaml, Map<String, String> params) {
        return LocalTemplate.parse(Path.of("template.yaml"), new StringReader(yaml), params, ENDPOINTS);
    }

    @Test
    void queues_haveAttributesDefaultsAndRedrivePolicyResolvedToTheDlq() {
        LocalTemplate t = full(Map.of());
        QueueDef jobs = t.queues().get("JobsQueue");
        assertThat(jobs.name()).isEqualTo("outrigger-local-jobs");
        assertThat(jobs.url()).isEqualTo("http://127.0.0.1:9324/000000000000/outrigger-local-jobs");
        assertThat(jobs.arn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:outrigger-local-jobs");
        assertThat(jobs.visibilityTimeoutSeconds()).isEqualTo(120);
        assertThat(jobs.delaySeconds()).isEqualTo(1);
        assertThat(jobs.messageRetentionPeriodSeconds()).isEqualTo(345_600);
        assertThat(jobs.maximumMessageSizeBytes()).isEqualTo(262_144);
        assertThat(jobs.redrive()).isEqualTo(new QueueDef.Redrive("JobsDlq", 5));
        assertThat(t.deadLetterQueues()).containsExactly("JobsDlq");

        QueueDef ordered = t.queues().get("OrderedQueue");
        assertThat(ordered.name()).isEqualTo("OrderedQueue.fifo");
        assertThat(ordered.fifo()).isTrue();
        assertThat(ordered.contentBasedDeduplication()).isTrue();
        assertThat(ordered.visibilityTimeoutSeconds()).isEqualTo(30);
    }

    @Test
    void outputs_resolveToLocalValues_skippingFalseConditionsAndWhatCannotResolveLocally() {
        LocalTemplate t = inline("""
                Conditions:
                  IsProd: !Equals [!Ref Env, prod]
                Parameters:
                  Env: {Type: String, Default: dev}
                Resources:
                  Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub "jobs-${Env}"}}
                  Machine:
                    Type: AWS::Serverless::StateMachine
                    Properties: {Name: !Sub "deploy-${Env}", Definition: {StartAt: A, States: {A: {Type: Succeed}}}}
                Outputs:
                  JobsUrl: {Value: !Ref Jobs}
                  MachineArn: {Description: CI starts here, Value: !Ref Machine}
                  ProdOnly: {Condition: IsProd, Value: !GetAtt Jobs.Arn}
                  Imported: {Value: !ImportValue other-stack-output}
                """, Map.of());

        assertThat(t.outputs()).containsExactly(
                Map.entry("JobsUrl", "http://127.0.0.1:9324/000000000000/jobs-dev"),
                Map.entry("MachineArn", t.stateMachines().get("Machine").arn()));
    }

    @Test
    void resourceCondition_whenFalse_omitsTheResource_andWhenTrue_keepsIt() {
        assertThat(full(Map.of()).queues()).doesNotContainKey("ProdOnlyQueue");
        assertThat(full(Map.of("Env", "prod")).queues()).containsKey("ProdOnlyQueue");
    }

    @Test
    void intrinsics_resolveToLocalValues() {
        Map<String, String> env = full(Map.of()).functions().get("WorkerFunction").environment();
        assertThat(env).containsEntry("JOBS_QUEUE_URL", "http://127.0.0.1:9324/000000000000/outrigger-local-jobs")
                .containsEntry("DLQ_URL", "http://127.0.0.1:9324/000000000000/outrigger-local-jobs-dlq")
                .containsEntry("OPS_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:ops")
                .containsEntry("REGION_AND_ACCOUNT", "us-east-1:000000000000")
                .containsEntry("FIRST_SUBNET", "a")
                .containsEntry("SECOND_PART", "y")
                .containsEntry("LEVEL", "debug")
                .containsEntry("LITERAL", "${NotAVar}-dev")
                .containsEntry("WITH_VARS", "outrigger-local-jobs/x")
                .containsEntry("LONG_FORM", "adev")
                .containsEntry("B64", "aGk=")
                .doesNotContainKey("MAYBE");
        assertThat(full(Map.of("Env", "prod")).functions().get("WorkerFunction").environment())
                .containsEntry("MAYBE", "prod-value").containsEntry("LEVEL", "info");
    }

    @Test
    void region_override_changesPseudoParametersAndArns() {
        LocalTemplate t = LocalTemplate.load(resource("full.yaml"), Map.of(), LocalEndpoints.of(9324, 9325, "eu-west-1"));
        assertThat(t.functions().get("WorkerFunction").environment()).containsEntry("REGION_AND_ACCOUNT", "eu-west-1:000000000000");
        assertThat(t.queues().get("JobsQueue").arn()).startsWith("arn:aws:sqs:eu-west-1:");
    }

    @Test
    void globals_mergeEnvironmentVariables_andFunctionValuesOverrideOthers() {
        LocalTemplate t = full(Map.of());
        FunctionDef worker = t.functions().get("WorkerFunction");
        assertThat(worker.timeoutSeconds()).isEqualTo(60);            // function overrides the global 20
        assertThat(worker.memorySizeMb()).isEqualTo(512);             // global via FindInMap
        assertThat(worker.runtime()).isEqualTo("java21");
        assertThat(worker.environment()).containsEntry("OUTRIGGER_ENV", "dev").containsEntry("POWERTOOLS_SERVICE_NAME", "outrigger");
        FunctionDef ordered = t.functions().get("OrderedFunction");
        assertThat(ordered.timeoutSeconds()).isEqualTo(20);
        assertThat(ordered.memorySizeMb()).isEqualTo(256);
        assertThat(ordered.environment()).containsEntry("OUTRIGGER_ENV", "overridden")
                .containsEntry("DJANGO_BASE_URL", "http://127.0.0.1:8000/internal/outrigger/");
        assertThat(ordered.handlerClass()).isEqualTo("example.Ordered");
        assertThat(ordered.handlerMethod()).isEqualTo("handleRequest");
    }

    @Test
    void sqsEventSources_carryLambdaSettingsAndDefaults() {
        LocalTemplate t = full(Map.of());
        SqsEventSource jobs = t.functions().get("WorkerFunction").sqsEventSources().get(0);
        assertThat(jobs).isEqualTo(new SqsEventSource("Jobs", "JobsQueue", 5, 1, 3, true, true, null));
        SqsEventSource ordered = t.functions().get("OrderedFunction").sqsEventSources().get(0);
        assertThat(ordered.batchSize()).isEqualTo(10);
        assertThat(ordered.maximumConcurrency()).isNull();
        assertThat(ordered.reportBatchItemFailures()).isFalse();
    }

    @Test
    void provisionedMode_isAccepted_andCheckedAsLambdaChecksIt() {
        String head = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                + "      Handler: x.Y::handleRequest\n      Events:\n        Jobs:\n          Type: SQS\n          Properties:\n"
                + "            Queue: !GetAtt Q.Arn\n";
        LocalTemplate t = inline(head + "            ProvisionedPollerConfig: {MinimumPollers: 2, MaximumPollers: 50}\n", Map.of());
        assertThat(t.functions().get("F").sqsEventSources().get(0).maximumConcurrency()).isNull();
        assertThatThrownBy(() -> inline(head + "            ProvisionedPollerConfig: {MinimumPollers: 2}\n"
                + "            ScalingConfig: {MaximumConcurrency: 5}\n", Map.of()))
                .hasMessageContaining("resource F").hasMessageContaining("exclusive");
        assertThatThrownBy(() -> inline(head + "            ProvisionedPollerConfig: {MinimumPollers: 1}\n", Map.of()))
                .hasMessageContaining("2 <= MinimumPollers <= 200");
        assertThatThrownBy(() -> inline(head + "            ProvisionedPollerConfig: {MinimumPollers: 30, MaximumPollers: 20}\n", Map.of()))
                .hasMessageContaining("MinimumPollers <= MaximumPollers, got 30 and 20");
    }

    @Test
    void theRealTemplate_offersProvisionedMode_asAParameter() {
        Path real = Path.of("../../template.yaml");
        SqsEventSource standard = LocalTemplate.load(real, Map.of(), ENDPOINTS).functions().get("JobWorkerFunction").sqsEventSources().get(0);
        assertThat(standard.maximumConcurrency()).isEqualTo(10);
        SqsEventSource provisioned = LocalTemplate.load(real, Map.of("WorkerMinimumPollers", "4"), ENDPOINTS)
                .functions().get("JobWorkerFunction").sqsEventSources().get(0);
        assertThat(provisioned.maximumConcurrency()).as("MaximumConcurrency is dropped in provisioned mode").isNull();
        assertThatThrownBy(() -> LocalTemplate.load(real, Map.of("WorkerMinimumPollers", "1"), ENDPOINTS))
                .hasMessageContaining("WorkerMinimumPollers");
    }

    @Test
    void parameters_overrideAndAllowedValuesAreChecked() {
        assertThat(full(Map.of("Env", "staging")).parameters()).containsEntry("Env", "staging");
        assertThatThrownBy(() -> full(Map.of("Env", "qa")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("full.yaml:7: parameter Env: value 'qa' is not one of AllowedValues [dev, staging, prod]");
        assertThatThrownBy(() -> full(Map.of("Nope", "x")))
                .hasMessageContaining("parameter Nope: --param Nope is not a parameter of the template");
    }

    @Test
    void parameter_withoutDefault_andNoOverride_isAnErrorNamingIt() {
        String yaml = "Parameters:\n  Secret:\n    Type: String\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n";
        assertThatThrownBy(() -> inline(yaml, Map.of()))
                .hasMessage("template.yaml:3: parameter Secret: has no Default; pass --param Secret=VALUE");
        assertThat(inline(yaml, Map.of("Secret", "s")).parameters()).containsEntry("Secret", "s");
    }

    @Test
    void unsupportedIntrinsic_namesFileLineAndResource() {
        assertThatThrownBy(() -> LocalTemplate.load(resource("import-value.yaml"), Map.of(), ENDPOINTS))
                .isInstanceOf(TemplateException.class)
                .hasMessageEndingWith("import-value.yaml:10: resource JobWorkerFunction: Fn::ImportValue is not supported locally "
                        + "(there are no other stacks to import from); use a Parameter and pass it with --param")
                .satisfies(e -> assertThat(((TemplateException) e).line()).isEqualTo(10));
    }

    @Test
    void unsupportedIntrinsic_longForm_isAlsoRefused() {
        String yaml = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: {\"Fn::Cidr\": [a, 1, 2]}\n";
        assertThatThrownBy(() -> inline(yaml, Map.of())).hasMessage("template.yaml:5: resource Q: Fn::Cidr is not supported locally");
    }

    @Test
    void refToUnknownName_isAnErrorWithLine() {
        String yaml = "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.B\n"
                + "      Environment:\n        Variables:\n          X: !Ref Missing\n";
        assertThatThrownBy(() -> inline(yaml, Map.of()))
                .hasMessage("template.yaml:8: resource F: Ref to unknown parameter or resource 'Missing'");
    }

    @Test
    void notEmulatedResources_areListed_andGetAttOnThemGivesAPlaceholder() {
        LocalTemplate t = full(Map.of());
        assertThat(t.notEmulated()).extracting(ResourceDef::logicalId).containsExactly("SchedulerRole", "Dashboard");
        assertThat(t.resources().get("Dashboard").properties()).containsEntry("DashboardBody", "{\"region\": \"us-east-1\"}");
    }

    @Test
    void notEmulatedResource_withUnsupportedIntrinsic_isNotAnError() {
        String yaml = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  D:\n    Type: AWS::CloudWatch::Dashboard\n"
                + "    Properties:\n      DashboardBody: !ImportValue x\n";
        LocalTemplate t = inline(yaml, Map.of());
        assertThat(t.notEmulated().get(0).note()).contains("template.yaml:7: resource D: Fn::ImportValue", "ignored: not emulated");
    }

    @Test
    void schedules_fromSchedulerResourcesAndScheduleV2Events() {
        LocalTemplate t = full(Map.of());
        assertThat(t.schedules()).hasSize(2);
        ScheduleDef nightly = t.schedules().stream().filter(s -> s.logicalId().equals("WorkerFunctionNightly")).findFirst().orElseThrow();
        assertThat(nightly.expression()).isEqualTo("cron(0 3 * * ? *)");
        assertThat(nightly.timezone()).isEqualTo("Europe/Paris");
        assertThat(nightly.targetFunction()).isEqualTo("WorkerFunction");
        assertThat(nightly.input()).isEqualTo("{\"hook\": \"nightly\"}");
        assertThat(nightly.enabled()).isTrue();
        ScheduleDef hourly = t.schedules().stream().filter(s -> s.logicalId().equals("HourlySchedule")).findFirst().orElseThrow();
        assertThat(hourly.name()).isEqualTo("hourly");
        assertThat(hourly.groupName()).isEqualTo("outrigger");
        assertThat(hourly.targetFunction()).isEqualTo("WorkerFunction");
        assertThat(hourly.enabled()).isFalse();
        assertThat(hourly.retryPolicy()).isEqualTo(new ScheduleDef.RetryPolicy(2, 600));
        assertThat(hourly.deadLetterQueue()).isEqualTo("JobsDlq");
        // Neither set: Scheduler's defaults, and no DLQ (a failed event is dropped).
        assertThat(nightly.retryPolicy()).isEqualTo(ScheduleDef.RetryPolicy.DEFAULT);
        assertThat(nightly.retryPolicy().maximumRetryAttempts()).isEqualTo(185);
        assertThat(nightly.retryPolicy().maximumEventAgeSeconds()).isEqualTo(86_400);
        assertThat(nightly.deadLetterQueue()).isNull();
    }

    private static final String SCHEDULE = "Resources:\n  S:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n"
            + "      ScheduleExpression: rate(1 hour)\n      Target:\n        Arn: arn:aws:lambda:us-east-1:000000000000:function:f\n";

    @Test
    void scheduleDeadLetterConfig_namingAQueueNotInTheTemplate_isAnErrorWithLine() {
        String yaml = SCHEDULE + "        DeadLetterConfig:\n          Arn: arn:aws:sqs:us-east-1:000000000000:elsewhere\n";
        assertThatThrownBy(() -> inline(yaml, Map.of())).hasMessage("template.yaml:9: resource S: Target.DeadLetterConfig.Arn "
                + "arn:aws:sqs:us-east-1:000000000000:elsewhere is not a queue of this template (use !GetAtt Queue.Arn)");
    }

    @Test
    void scheduleStartAndEndDate_areRead_andABadOneIsAnErrorWithLine() {
        ScheduleDef s = inline(SCHEDULE + "      StartDate: '2027-01-01T09:00:00+01:00'\n      EndDate: '2027-02-01T00:00:00Z'\n",
                Map.of()).schedules().get(0);
        assertThat(s.startDate()).isEqualTo(Instant.parse("2027-01-01T08:00:00Z"));
        assertThat(s.endDate()).isEqualTo(Instant.parse("2027-02-01T00:00:00Z"));
        assertThat(inline(SCHEDULE, Map.of()).schedules().get(0).startDate()).isNull();

        assertThatThrownBy(() -> inline(SCHEDULE + "      StartDate: tomorrow\n", Map.of()))
                .hasMessage("template.yaml:8: resource S: StartDate must be a date-time with its offset, such as "
                        + "2027-01-01T00:00:00Z, got tomorrow");
        assertThatThrownBy(() -> inline(SCHEDULE + "      StartDate: '2027-02-01T00:00:00Z'\n      EndDate: '2027-01-01T00:00:00Z'\n",
                Map.of())).hasMessage("template.yaml:9: resource S: EndDate 2027-01-01T00:00:00Z must be after StartDate 2027-02-01T00:00:00Z");
    }

    @Test
    void scheduleRetryPolicy_outOfSchedulerRanges_isAnErrorWithLine() {
        assertThatThrownBy(() -> inline(SCHEDULE + "        RetryPolicy:\n          MaximumRetryAttempts: 186\n", Map.of()))
                .hasMessage("template.yaml:9: resource S: Target.RetryPolicy.MaximumRetryAttempts must be 0..185, got 186");
        assertThatThrownBy(() -> inline(SCHEDULE + "        RetryPolicy:\n          MaximumEventAgeInSeconds: 59\n", Map.of()))
                .hasMessage("template.yaml:9: resource S: Target.RetryPolicy.MaximumEventAgeInSeconds must be 60..86400, got 59");
    }

    @Test
    void alarmsAndTopics_areModelled() {
        LocalTemplate t = full(Map.of());
        AlarmDef alarm = t.alarms().get(0);
        assertThat(alarm.name()).isEqualTo("outrigger-local-dlq-depth");
        assertThat(alarm.dimensions()).containsEntry("QueueName", "outrigger-local-jobs-dlq");
        assertThat(alarm.comparisonOperator()).isEqualTo("GreaterThanThreshold");
        assertThat(alarm.treatMissingData()).isEqualTo("notBreaching");
        assertThat(alarm.alarmActions()).containsExactly("arn:aws:sns:us-east-1:000000000000:ops");
        assertThat(t.topics().get("OpsTopic").subscriptions()).containsExactly(new TopicDef.Subscription("email", "ops@example.com", false));
    }

    @Test
    void stateMachine_definitionIsReadAndSubstituted() {
        LocalTemplate t = LocalTemplate.load(resource("statemachine.yaml"), Map.of(), ENDPOINTS);
        StateMachineDef sm = t.stateMachines().get("Deploy");
        assertThat(sm.arn()).isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:deploy");
        assertThat(sm.substitutions()).containsEntry("WorkerArn", "arn:aws:lambda:us-east-1:000000000000:function:Worker");
        assertThat(sm.definition()).contains("\"Resource\": \"arn:aws:lambda:us-east-1:000000000000:function:Worker\"");
        assertThat(t.functions().get("Worker").handlerMethod()).isEqualTo("handle");
    }

    @Test
    void redrivePolicy_toAQueueOutsideTheTemplate_isAnError() {
        String yaml = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n"
                + "        deadLetterTargetArn: arn:aws:sqs:us-east-1:1:elsewhere\n        maxReceiveCount: 3\n";
        assertThatThrownBy(() -> inline(yaml, Map.of()))
                .hasMessage("template.yaml:6: resource Q: RedrivePolicy.deadLetterTargetArn arn:aws:sqs:us-east-1:1:elsewhere is not a queue of this template");
    }

    @Test
    void invalidYaml_namesTheLine() {
        assertThatThrownBy(() -> inline("Resources:\n  Q:\n    Type: [unclosed\n", Map.of()))
                .isInstanceOf(TemplateException.class).hasMessageStartingWith("template.yaml:").hasMessageContaining("invalid YAML");
    }

    @Test
    void circularCondition_isAnError() {
        String yaml = "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: A\n";
        assertThatThrownBy(() -> inline(yaml, Map.of())).hasMessageContaining("refers to itself");
    }
}
