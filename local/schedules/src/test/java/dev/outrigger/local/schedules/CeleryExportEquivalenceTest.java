package dev.outrigger.local.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Celery half of the proof comes from real Celery: tests/fixtures/celery-beat/ holds what
 * {@code manage.py outrigger_export_beat} wrote for a Celery app (a settings beat schedule and django-celery-beat rows
 * of every kind) and the fire times real Celery 5.6 and django-celery-beat 2.9 computed for them over 2027
 * (clients/django/tests/test_celery_beat_export.py checks both files against Celery on every run). Here the export is
 * converted, and EventBridge Scheduler's fire times for the result, as deployed (State, StartDate, EndDate), must be
 * Celery's: identical, or different only where the converter warns (DST), in the ways ScheduleEquivalenceTest allows.
 */
class CeleryExportEquivalenceTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static Instant from;
    static Instant to;
    static Map<String, List<Instant>> celery;
    static ParsedSchedules parsed;
    static ConversionResult converted;

    @BeforeAll
    static void convertTheExport() throws IOException {
        Path dir = fixtures();
        JsonNode fires = MAPPER.readTree(Files.readString(dir.resolve("celery-fire-times.json")));
        from = Instant.parse(fires.path("from").asText());
        to = Instant.parse(fires.path("to").asText());
        celery = new LinkedHashMap<>();
        fires.path("fires").fields().forEachRemaining(e -> celery.put(e.getKey(), expand(e.getValue())));
        parsed = BeatParser.parse("export.json", Files.readString(dir.resolve("export.json")), ZoneOffset.UTC);
        converted = new ScheduleConverter(Clock.fixed(from, ZoneOffset.UTC)).convert(parsed.entries());
    }

    @Test
    void everyExportedEntry_firesWhenCeleryFiresIt_forAYear_orDiffersOnlyWhereWarned() {
        Map<String, List<ConvertedSchedule>> bySource = new TreeMap<>();
        converted.schedules().forEach(s -> bySource.computeIfAbsent(s.source().name(), k -> new ArrayList<>()).add(s));
        assertThat(bySource.keySet()).as("entries converted").containsExactlyInAnyOrderElementsOf(
                celery.keySet().stream().filter(n -> !n.equals("too-often")).toList());
        int identical = 0;
        for (Map.Entry<String, List<ConvertedSchedule>> e : bySource.entrySet()) {
            String name = e.getKey();
            List<Instant> original = celery.get(name);
            List<Instant> aws = ScheduleConverter.deployedFireTimes(e.getValue(), from, to, from);
            if (e.getValue().size() > 1) {
                aws = aws.stream().distinct().toList(); // a -dom/-dow split: one scheduled time, one job id
            }
            if (original.equals(aws)) {
                identical++;
                continue;
            }
            SourceEntry entry = e.getValue().getFirst().source();
            assertThat(e.getValue().getFirst().warnings()).as("%s differs from Celery but has no warning", name).isNotEmpty();
            if (entry.source() instanceof ScheduleSource.Interval i) {
                ScheduleEquivalenceTest.assertIntervalDiffersOnlyByDst(name, original, aws, i.every(), entry.zone());
                continue;
            }
            List<Instant> diff = new ArrayList<>(ScheduleConverter.minus(original, aws));
            diff.addAll(ScheduleConverter.minus(aws, original));
            assertThat(diff).as("%s: differences", name).allSatisfy(t -> assertThat(
                    ScheduleEquivalenceTest.nearTransition(entry.zone(), t)).as("%s is near a DST change", t).isTrue());
        }
        System.out.printf("celery export: %d entries converted, %d fire exactly when Celery does for a year, %d differ "
                + "only at DST changes and are warned%n", bySource.size(), identical, bySource.size() - identical);
        // the entries without DST in the way agree to the second, the paused one never fires, the clocked one once
        assertThat(identical).isGreaterThanOrEqualTo(6);
        assertThat(celery.get("paused-export")).isEmpty();
        assertThat(celery.get("launch-mail")).containsExactly(Instant.parse("2027-05-03T07:00:00Z"));
    }

    @Test
    void theModelOfCelery_agreesWithRealCelery() {
        // CeleryScheduleEvaluator is what ScheduleEquivalenceTest and the converter's DST warnings compare against
        Map<String, String> disagreements = new TreeMap<>();
        for (SourceEntry e : parsed.entries()) {
            List<Instant> model = new ArrayList<>();
            if (e.enabled()) {
                Instant anchor = e.start() != null && e.start().isAfter(from) ? e.start() : from;
                if (e.start() != null && e.source() instanceof ScheduleSource.Interval) {
                    model.add(e.start()); // beat runs a row with a start_time at it, then every interval
                }
                Instant after = e.start() != null && e.start().isAfter(from) ? e.start().minusNanos(1) : from;
                ScheduleConverter.originalFireTimes(e, after, to, anchor).stream()
                        .filter(t -> e.end() == null || t.isBefore(e.end())).filter(t -> model.isEmpty() || t.isAfter(model.getLast()))
                        .forEach(model::add);
            }
            String difference = firstDifference(model, celery.get(e.name()));
            if (!difference.isEmpty()) {
                disagreements.put(e.name(), difference);
            }
        }
        assertThat(disagreements).as("where the model differs from Celery (model vs Celery)").isEmpty();
    }

    @Test
    void whatEventBridgeCannotExpress_isListedWithWhereItCameFromAndWhy() {
        List<ScheduleError> errors = new ArrayList<>(parsed.errors());
        errors.addAll(converted.errors());
        assertThat(errors).extracting(ScheduleError::message).satisfiesExactlyInAnyOrder(
                m -> assertThat(m).startsWith("export.json: entry 'too-often' (settings: beat_schedule['too-often']): ")
                        .contains("smallest rate is 1 minute"),
                m -> assertThat(m).startsWith("export.json: entry 'at-dawn' (settings: beat_schedule['at-dawn']): solar"),
                m -> assertThat(m).contains("entry 'sunset-lights' (django_celery_beat: PeriodicTask ").contains("solar"),
                m -> assertThat(m).contains("entry 'once-soon'").contains("ClockedSchedule"),
                m -> assertThat(m).contains("entry 'old-campaign'").contains("expired at 2026-06-01T00:00:00Z"));
        assertThat(errors).noneMatch(ScheduleError::needsExport);
    }

    @Test
    void theYaml_carriesStateStartAndEndDates_andTheOneTimeSchedule() {
        String yaml = ScheduleTemplateWriter.write(converted.schedules(), "export.json", ScheduleTemplateWriter.Options.defaults());
        assertThat(yaml).contains("      Name: us-market-open\n").contains("      StartDate: '2027-03-01T14:30:00Z'\n")
                .contains("      EndDate: '2027-10-01T00:00:00Z'\n")
                .contains("ScheduleExpression: 'at(2027-05-03T07:00:00)'")
                .contains("      Name: paused-export\n")
                .contains("State: DISABLED  # disabled where it came from")
                .contains("# NOTE: options.priority=5 is not carried: SQS has no message priority")
                .contains("# export.json: entry 'monthly-invoices' (django_celery_beat: PeriodicTask ");
    }

    /** Where two lists of instants first differ, with a few on each side; empty when they are equal. */
    static String firstDifference(List<Instant> a, List<Instant> b) {
        int k = 0;
        while (k < a.size() && k < b.size() && a.get(k).equals(b.get(k))) {
            k++;
        }
        if (k == a.size() && k == b.size()) {
            return "";
        }
        return "at #" + k + " of " + a.size() + "/" + b.size() + ": " + a.subList(Math.max(0, k - 2), Math.min(a.size(), k + 3))
                + " vs " + b.subList(Math.max(0, k - 2), Math.min(b.size(), k + 3));
    }

    /** [[first, step s, count], ...] back into instants. */
    static List<Instant> expand(JsonNode runs) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode run : runs) {
            Instant first = Instant.parse(run.get(0).asText());
            for (int k = 0; k < run.get(2).asInt(); k++) {
                out.add(first.plusSeconds(run.get(1).asLong() * k));
            }
        }
        return out;
    }

    static Path fixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve("tests/fixtures/celery-beat");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("no tests/fixtures/celery-beat above " + Path.of("").toAbsolutePath());
    }
}
