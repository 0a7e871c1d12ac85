package dev.outrigger.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.schedules.AwsSchedule;
import dev.outrigger.local.schedules.AwsScheduleEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schedule contract, the Java side: the local scheduler's evaluator gives the fire times of the shared corpus
 * {@code contract/schedule-fire-times.json}, which the Django console's Schedules page (its own evaluator,
 * {@code outrigger_django/console/expressions.py}) is held to by {@code test_schedule_contract.py}. So the next fire
 * times an operator reads in the admin are the times `local up` fires at.
 */
class ScheduleFireTimesContractIT {
    record Case(String why, String expression, String timezone, Instant after, Instant start, Instant end,
                List<Instant> next) {
        @Override
        public String toString() {
            return expression + " in " + timezone + " (" + why + ")";
        }
    }

    static List<Case> corpus() throws IOException {
        try (InputStream in = ScheduleFireTimesContractIT.class.getResourceAsStream("/contract/schedule-fire-times.json")) {
            List<Case> out = new ArrayList<>();
            for (JsonNode c : Json.MAPPER.readTree(in).get("cases")) {
                List<Instant> next = new ArrayList<>();
                c.get("next").forEach(t -> next.add(Instant.parse(t.asText())));
                out.add(new Case(c.get("why").asText(), c.get("expression").asText(), c.get("timezone").asText(),
                        Instant.parse(c.get("after").asText()),
                        instant(c, "start"), instant(c, "end"), next));
            }
            return out;
        }
    }

    private static Instant instant(JsonNode c, String field) {
        return c.hasNonNull(field) ? Instant.parse(c.get(field).asText()) : null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theLocalSchedulerFiresAtTheContractsTimes(Case c) {
        AwsSchedule schedule = AwsSchedule.parse(c.expression());
        // A cron or at() ignores the anchor; a rate without a StartDate is not in the corpus.
        AwsScheduleEvaluator.Window window = new AwsScheduleEvaluator.Window(c.start(), c.end());
        List<Instant> fires = new ArrayList<>();
        Instant t = c.after();
        for (int i = 0; i < 3; i++) {
            Instant n = AwsScheduleEvaluator.next(schedule, ZoneId.of(c.timezone()), t, Instant.EPOCH, window);
            if (n == null) {
                break;
            }
            fires.add(n);
            t = n;
        }
        assertThat(fires).isEqualTo(c.next());
    }
}
