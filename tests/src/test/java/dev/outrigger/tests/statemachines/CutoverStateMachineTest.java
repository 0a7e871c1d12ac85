package dev.outrigger.tests.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every branch of statemachines/cutover.asl.json, through the test cases in events/statemachines/mocks.json. */
class CutoverStateMachineTest {
    static final List<String> UP_TO_FLIP = List.of("Defaults", "ApplyDefaults", "MaintenanceOn", "StartLagPolls",
            "CheckReplicationLag", "CountLagPoll", "LagLowEnough?", "LagPollsLeft?", "WaitForLag",
            "CheckReplicationLag", "CountLagPoll", "LagLowEnough?", "PauseSchedules", "MarkSchedulesPaused",
            "StartDrainPolls", "CheckQueuesDrained", "CountDrainPoll", "QueuesDrained?", "DrainPollsLeft?", "WaitForDrain",
            "CheckQueuesDrained", "CountDrainPoll", "QueuesDrained?", "ReadDatabaseSetting", "SettingIsPlainString?",
            "ReadDnsRecord", "DnsRecordFound?", "FlipDatabaseSetting", "RollServices");

    static Machines.Execution run(String testCase) {
        return run(testCase, Machines.json("events/statemachines/cutover-input.json"));
    }

    static Machines.Execution run(String testCase, JsonNode input) {
        return Machines.run("cutover", "CutoverStateMachine", testCase, input, Optional.empty());
    }

    static List<String> concat(List<String> a, String... b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.Arrays.stream(b)).toList();
    }

    @Test
    void happyPath_runsEveryStepInOrder_andNotifiesSuccess() {
        Machines.Execution run = run("HappyPath");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.path()).containsExactlyElementsOf(concat(UP_TO_FLIP, "SwitchDns", "VerifyWrites", "ResyncSequences",
                "SequencesReset?", "ResumeSchedules", "MaintenanceOff", "NotifyCutoverSucceeded", "CutoverSucceeded"));
        assertThat(run.callsTo("MaintenanceOn").getFirst().input().toString())
                .contains("\"FunctionName\":\"arn:aws:lambda:us-east-1:000000000000:function:outrigger-dev-maintenance-toggle:live\"",
                        "\"Payload\":{\"enabled\":true,\"reason\":\"Database cutover in progress\","
                                + "\"issued_at\":\"2026-01-01T00:00:00.000Z\"}");
        assertThat(run.callsTo("PauseSchedules").getFirst().input().get("Payload").toString())
                .isEqualTo("{\"action\":\"pause\",\"group\":\"outrigger-dev\"}");
        assertThat(run.callsTo("ResumeSchedules").getFirst().input().get("Payload").toString())
                .isEqualTo("{\"action\":\"resume\",\"group\":\"outrigger-dev\",\"state\":{\"paused\":[\"nightly-report\","
                        + "\"clear-sessions\"],\"already_disabled\":[\"legacy-export\"]}}");
        assertThat(run.callsTo("CheckQueuesDrained").getFirst().input().at("/Payload/queues").size()).isEqualTo(2);
        assertThat(run.callsTo("FlipDatabaseSetting").getFirst().input().toString())
                .isEqualTo("{\"Name\":\"/outrigger/dev/DATABASE_HOST\",\"Value\":\"new-db.cluster-c1x2y3z4.us-east-1.rds.amazonaws.com\",\"Overwrite\":true}");
        // Both services restarted with forceNewDeployment and waited for, inside the Map.
        assertThat(run.callsTo("RestartService")).extracting(c -> c.input().get("Service").asText())
                .containsExactlyInAnyOrder("django-web", "django-worker");
        assertThat(run.callsTo("RestartService")).allMatch(c -> c.input().get("ForceNewDeployment").asBoolean());
        assertThat(run.callsTo("DescribeService")).hasSize(2);
        JsonNode change = run.callsTo("SwitchDns").getFirst().input().at("/ChangeBatch/Changes/0");
        assertThat(change.toString()).isEqualTo("{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"app.example.com.\","
                + "\"Type\":\"CNAME\",\"TTL\":60,\"ResourceRecords\":[{\"Value\":\"new-alb-1234567890.us-east-1.elb.amazonaws.com\"}]}}");
        assertThat(run.callsTo("ResyncSequences").getFirst().input().at("/Overrides/ContainerOverrides/0/Command/2").asText())
                .contains("sqlsequencereset").contains("dbshell");
        assertThat(run.callsTo("MaintenanceOff").getFirst().input().at("/Payload/enabled").asBoolean()).isFalse();
        // issued at the state's EnteredTime: the "off" after the "on", which Django uses to refuse a replayed "on"
        assertThat(Instant.parse(run.callsTo("MaintenanceOff").getFirst().input().at("/Payload/issued_at").asText()))
                .isAfter(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(run.subject()).isEqualTo("Outrigger cutover complete");
        assertThat(run.message()).isEqualTo("Database cutover complete.\n"
                + "Setting /outrigger/dev/DATABASE_HOST: old-db.internal.example.com -> new-db.cluster-c1x2y3z4.us-east-1.rds.amazonaws.com\n"
                + "DNS app.example.com.: old-lb.example.net -> new-alb-1234567890.us-east-1.elb.amazonaws.com\n"
                + "Writes verified on database default; sequences reset.\n"
                + "Schedules: resumed\nMaintenance: off\n"
                + "Execution: arn:aws:states:us-east-1:123456789012:execution:cutover:local-execution");
    }

    @Test
    void lagNeverDrops_givesUpCleanly_schedulesUntouched_maintenanceOff_notified() {
        ObjectNode input = (ObjectNode) Machines.json("events/statemachines/cutover-input.json");
        input.put("max_lag_polls", 4);
        Machines.Execution run = run("LagNeverDrops", input);

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("ReplicationLagTooHigh");
        assertThat(run.callsTo("CheckReplicationLag")).hasSize(4);
        assertThat(run.path()).endsWith("LagLowEnough?", "LagPollsLeft?", "ReplicationLagTooHigh", "SchedulesWerePaused?",
                "MaintenanceOffAfterAbort", "NotifyCutoverAborted", "CutoverAborted");
        assertThat(run.calls()).noneMatch(c -> c.stateName().contains("Schedules"));
        assertThat(run.calls()).noneMatch(c -> c.resource().contains("ssm") || c.resource().contains("route53"));
        assertThat(run.callsTo("MaintenanceOffAfterAbort").getFirst().input().at("/Payload/enabled").asBoolean()).isFalse();
        assertThat(run.subject()).isEqualTo("Outrigger cutover ABORTED before the database flip");
        assertThat(run.message()).isEqualTo("Database cutover ABORTED at step CheckReplicationLag before the database flip;"
                + " the old database is still in use and nothing was switched.\n"
                + "Error: ReplicationLagTooHigh\n"
                + "Cause: DMS CDC latency was not at or under 5 s within 4 polls 30 s apart (last source latency [45.0],"
                + " target latency [50.0])\n"
                + "Schedules: never paused\nMaintenance: turned off again\n"
                + "Execution: arn:aws:states:us-east-1:123456789012:execution:cutover:local-execution");
    }

    @Test
    void lagGate_isBounded_byDefaultAt20Polls_30SecondsApart() {
        Machines.Execution run = run("LagNeverDrops");

        assertThat(run.callsTo("CheckReplicationLag")).hasSize(20);
        assertThat(Collections.frequency(run.path(), "WaitForLag")).isEqualTo(19);
        List<HistoryEvent> h = run.result().history();
        assertThat(java.time.Duration.between(h.getFirst().entered(), h.getLast().exited()).toSeconds()).isEqualTo(19 * 30);
    }

    @Test
    void lagQuery_readsBothDmsCdcLatencyMetricsOfTheConfiguredTask() {
        JsonNode q = run("LagNeverDrops").callsTo("CheckReplicationLag").getFirst().input();
        assertThat(q.at("/MetricDataQueries/0/MetricStat/Metric/MetricName").asText()).isEqualTo("CDCLatencySource");
        assertThat(q.at("/MetricDataQueries/1/MetricStat/Metric/MetricName").asText()).isEqualTo("CDCLatencyTarget");
        assertThat(q.at("/MetricDataQueries/0/MetricStat/Metric/Dimensions").toString())
                .isEqualTo("[{\"Name\":\"ReplicationInstanceIdentifier\",\"Value\":\"outrigger-dev-replication\"},"
                        + "{\"Name\":\"ReplicationTaskIdentifier\",\"Value\":\"outrigger-dev-cdc\"}]");
        assertThat(q.get("StartTime").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
    }

    @Test
    void maintenanceOnFails_afterRetries_triesToLeaveMaintenance_andNotifies() {
        Machines.Execution run = run("MaintenanceOnFails");

        assertThat(run.result().error()).isEqualTo("dev.outrigger.cutover.DjangoCallFailed");
        assertThat(run.callsTo("MaintenanceOn")).hasSize(3);   // the DjangoCallFailed retrier: MaxAttempts 2 retries
        assertThat(run.path()).containsExactly("Defaults", "ApplyDefaults", "MaintenanceOn", "MaintenanceOnFailed",
                "SchedulesWerePaused?", "MaintenanceOffAfterAbort", "NotifyCutoverAborted", "CutoverAborted");
        assertThat(run.message()).contains("ABORTED at step MaintenanceOn",
                "Cause: cannot reach Django for POST maintenance: ConnectException");
    }

    @Test
    void queuesNeverDrain_resumeTheSchedulesThisRunPaused_leaveMaintenance_andNotify() {
        ObjectNode input = (ObjectNode) Machines.json("events/statemachines/cutover-input.json");
        input.put("max_drain_polls", 3);
        Machines.Execution run = run("QueuesNeverDrain", input);

        assertThat(run.result().error()).isEqualTo("QueuesNotDrained");
        assertThat(run.callsTo("CheckQueuesDrained")).hasSize(3);
        assertThat(run.path()).endsWith("DrainPollsLeft?", "QueuesNeverDrained", "SchedulesWerePaused?",
                "ResumeSchedulesAfterAbort", "MaintenanceOffAfterAbort", "NotifyCutoverAborted", "CutoverAborted");
        assertThat(run.callsTo("ResumeSchedulesAfterAbort").getFirst().input().at("/Payload/state/paused").toString())
                .isEqualTo("[\"nightly-report\",\"clear-sessions\"]");
        assertThat(run.calls()).noneMatch(c -> c.resource().contains("ssm") || c.resource().contains("route53"));
        assertThat(run.message()).contains("ABORTED at step CheckQueuesDrained",
                "Cause: the job queues still held 0 visible, 2 in-flight and 1 delayed messages after 3 polls 15 s apart",
                "Schedules: paused, then resumed", "Maintenance: turned off again");
    }

    @Test
    void verifyFails_revertsFlipAndDns_restartsServices_resumesSchedules_keepsMaintenanceOn() {
        Machines.Execution run = run("VerifyFails");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("dev.outrigger.cutover.VerifyWritesFailed");
        assertThat(run.callsTo("VerifyWrites")).hasSize(3);   // first try + 2 retries on VerifyWritesFailed
        assertThat(run.path()).containsExactlyElementsOf(concat(UP_TO_FLIP, "SwitchDns", "VerifyWrites", "WritesNotVerified",
                "RevertDatabaseSetting", "DnsWasSwitched?", "RevertDns", "RestartServicesOnOldSetting",
                "SchedulesWerePausedBeforeRollback?", "ResumeSchedulesAfterRollback", "NotifyCutoverRolledBack", "CutoverRolledBack"));
        assertThat(run.callsTo("RevertDatabaseSetting").getFirst().input().get("Value").asText()).isEqualTo("old-db.internal.example.com");
        JsonNode revert = run.callsTo("RevertDns").getFirst().input().at("/ChangeBatch/Changes/0/ResourceRecordSet");
        assertThat(revert.toString()).isEqualTo("{\"Name\":\"app.example.com.\",\"Type\":\"CNAME\",\"TTL\":300,"
                + "\"ResourceRecords\":[{\"Value\":\"old-lb.example.net\"}]}");
        assertThat(run.callsTo("RestartServiceOnOldSetting")).hasSize(2);
        assertThat(run.calls()).noneMatch(c -> c.stateName().startsWith("MaintenanceOff"));
        assertThat(run.subject()).isEqualTo("Outrigger cutover FAILED and was rolled back - maintenance still ON");
        assertThat(run.message()).isEqualTo("Database cutover FAILED at step VerifyWrites after the database flip, and was rolled back.\n"
                + "Error: dev.outrigger.cutover.VerifyWritesFailed\n"
                + "Cause: database default did not take a write: OperationalError cannot execute INSERT in a read-only transaction\n"
                + "Setting /outrigger/dev/DATABASE_HOST: reverted to the value read before the flip (parameter version 5)\n"
                + "DNS app.example.com.: reverted\n"
                + "Services: restarted on the old setting (not waited for)\n"
                + "Schedules: paused, then resumed\n"
                + "Maintenance mode is still ON: the new database may have taken writes the old one has not."
                + " Check the data, then turn maintenance off by hand.\n"
                + "Execution: arn:aws:states:us-east-1:123456789012:execution:cutover:local-execution");
    }

    @Test
    void dnsChangeFails_revertsTheFlip_butNotTheUnchangedRecord_andKeepsMaintenanceOn() {
        Machines.Execution run = run("DnsChangeFails");

        assertThat(run.result().error()).isEqualTo("Route53.InvalidChangeBatchException");
        assertThat(run.path()).containsExactlyElementsOf(concat(UP_TO_FLIP, "SwitchDns", "DnsSwitchFailed",
                "RevertDatabaseSetting", "DnsWasSwitched?", "RestartServicesOnOldSetting",
                "SchedulesWerePausedBeforeRollback?", "ResumeSchedulesAfterRollback", "NotifyCutoverRolledBack", "CutoverRolledBack"));
        assertThat(run.calls()).noneMatch(c -> c.stateName().equals("RevertDns") || c.stateName().startsWith("MaintenanceOff"));
        assertThat(run.message()).contains("FAILED at step SwitchDns after the database flip",
                "DNS app.example.com.: never changed", "Maintenance mode is still ON");
    }
}
