package dev.outrigger.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Env;
import dev.outrigger.core.InvalidEnvelopeException;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import dev.outrigger.local.demo.DemoDjango;
import dev.outrigger.schedule.HookInput;
import dev.outrigger.schedule.InvalidHookInputException;
import dev.outrigger.schedule.ScheduledHookRunner;
import dev.outrigger.tests.e2e.E2e;
import dev.outrigger.worker.DjangoTaskHandler;
import dev.outrigger.worker.JobAttempt;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The name contract, the Java side: the job worker's {@code django.task} handler, the schedule hook and the envelope
 * parser agree with the verdicts of the shared corpus {@code contract/names.json}, which the Django package's
 * {@code test_name_contract.py} checks {@code @outrigger_task}, {@code @outrigger_hook}, the URL routes and
 * {@code publish} against. Both sides read their grammars from the schema's {@code $defs}; this proves they mean the
 * same thing by them. A task name the worker accepts is posted to a stand-in Django at {@code tasks/<name>} and must
 * arrive there unchanged.
 */
class NameContractIT {
    record Entry(String name, String why, boolean task, boolean hook, boolean jobId) {
        @Override
        public String toString() {
            String shown = name.length() > 30 ? name.substring(0, 30) + "…(" + name.length() + ")" : name;
            return Json.write(shown) + " (" + why + ")";
        }
    }

    private static final String SECRET = "name-contract-secret";
    private static final Instant SCHEDULED = Instant.parse("2026-11-21T03:00:00Z");
    private static DemoDjango django;
    private static DjangoTaskHandler tasks;

    @BeforeAll
    static void start() throws IOException {
        django = DemoDjango.start(SECRET);
        tasks = DjangoTaskHandler.fromEnv(Env.of(Map.of("DJANGO_BASE_URL", django.baseUrl().toString(),
                "OUTRIGGER_SIGNING_SECRET", SECRET)));
    }

    @AfterAll
    static void stop() {
        django.close();
    }

    static List<Entry> corpus() throws IOException {
        try (InputStream in = NameContractIT.class.getResourceAsStream("/contract/names.json")) {
            List<Entry> out = new ArrayList<>();
            for (JsonNode e : Json.MAPPER.readTree(in).get("names")) {
                out.add(new Entry(e.get("name").asText(), e.get("why").asText(), e.get("task").asBoolean(),
                        e.get("hook").asBoolean(), e.get("job_id").asBoolean()));
            }
            return out;
        }
    }

    static Stream<Entry> entries() throws IOException {
        return corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void taskName_isPostedToDjangoUnchanged_exactlyWhenTheCorpusSaysSo(Entry entry) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", entry.name());
        JobEnvelope job = JobEnvelope.create(DjangoTaskHandler.TYPE, payload).withId("contract-" + System.nanoTime());
        JobOutcome outcome = tasks.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(10)));

        if (entry.task()) {
            // The stand-in knows no such task and answers 404: what counts is that the call came, to tasks/<name>.
            // It records a call once its answer is sent, so the record may trail the outcome by a moment.
            E2e.await("the call of " + job.id(), Duration.ofSeconds(10), () -> !django.callsFor(job.id()).isEmpty());
            assertThat(django.callsFor(job.id())).singleElement().satisfies(call -> {
                assertThat(call.task()).isEqualTo(entry.name());
                assertThat(call.signatureValid()).isTrue();
            });
        } else {
            assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                    d -> assertThat(d.errorClass()).isEqualTo("InvalidPayload"));
            assertThat(django.callsFor(job.id())).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void hookName_isAcceptedBySchedules_exactlyWhenTheCorpusSaysSo_andEnqueuesAJobTheWorkerTakes(Entry entry)
            throws InvalidEnvelopeException {
        Map<String, Object> input = new HashMap<>(Map.of("hook", entry.name(), "mode", "enqueue",
                "scheduled_time", SCHEDULED.toString()));
        if (!entry.hook()) {
            assertThatThrownBy(() -> HookInput.parse(input)).isInstanceOf(InvalidHookInputException.class);
            return;
        }
        List<String> sent = new ArrayList<>();
        new ScheduledHookRunner(null, (url, body) -> {
            sent.add(body);
            return "m-1";
        }, Optional.empty(), Env.of(Map.of(ScheduledHookRunner.QUEUE_URL_ENV, "http://127.0.0.1:1/000000000000/jobs")),
                Duration.ofSeconds(5), Clock.systemUTC())
                .run(HookInput.parse(input));

        JobEnvelope job = JobEnvelope.parse(sent.getFirst());   // the worker's own parse: the derived id is a job id
        assertThat(job.id()).isEqualTo("hook:" + entry.name() + ":" + SCHEDULED);
        assertThat(job.payload().get("task").asText()).isEqualTo(entry.name());
        JobEnvelope unique = job.withId(job.id() + "-" + System.nanoTime());
        tasks.handle(unique, new JobAttempt(unique.id(), 1, Instant.now().plusSeconds(10)));
        E2e.await("the call of " + unique.id(), Duration.ofSeconds(10), () -> !django.callsFor(unique.id()).isEmpty());
        assertThat(django.callsFor(unique.id())).singleElement().extracting(DemoDjango.Call::task).isEqualTo(entry.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void jobId_isAcceptedByTheWorkersParse_exactlyWhenTheCorpusSaysSo(Entry entry) {
        ObjectNode body = (ObjectNode) Json.MAPPER.valueToTree(Map.of("version", 1, "type", "webhook",
                "payload", Map.of(), "created_at", "2026-11-21T10:00:00Z"));
        body.put("id", entry.name());
        boolean parsed;
        try {
            JobEnvelope.parse(Json.write(body));
            parsed = true;
        } catch (InvalidEnvelopeException e) {
            parsed = false;
        }
        assertThat(parsed).isEqualTo(entry.jobId());
    }

    @Test
    void corpus_hasBothVerdictsForEveryKind() throws IOException {
        List<Entry> all = corpus();
        assertThat(all).extracting(Entry::task).contains(true, false);
        assertThat(all).extracting(Entry::hook).contains(true, false);
        assertThat(all).extracting(Entry::jobId).contains(true, false);
        assertThat(all).extracting(Entry::name).contains("billing:charge", "a".repeat(128), "a".repeat(129), "job-1\n");
    }
}
