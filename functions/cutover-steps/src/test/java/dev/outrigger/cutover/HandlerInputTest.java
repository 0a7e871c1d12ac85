package dev.outrigger.cutover;

import dev.outrigger.core.SignedDjangoClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input is refused before any call is made (the client points nowhere reachable). */
class HandlerInputTest {
    private static final DjangoOps NOWHERE = new DjangoOps(new SignedDjangoClient(HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:9/"), new dev.outrigger.core.SecretSource() {
        @Override
        public String secret() {
            throw new AssertionError("no call expected");
        }

        @Override
        public void refresh() {
        }
    }), () -> "id", Duration.ofSeconds(1));

    @Test
    void maintenanceToggle_withoutEnabled_isRefusedNamingTheField() {
        assertThatThrownBy(() -> new MaintenanceToggleHandler(NOWHERE, Clock.systemUTC()).handleRequest(Map.of("reason", "x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("input.enabled must be true or false, got null");
    }

    @Test
    void maintenanceToggle_withStringEnabled_isRefused() {
        assertThatThrownBy(() -> new MaintenanceToggleHandler(NOWHERE, Clock.systemUTC()).handleRequest(Map.of("enabled", "true"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input.enabled");
    }

    @Test
    void maintenanceToggle_withAnIssuedAtThatIsNoTime_isRefused() {
        assertThatThrownBy(() -> new MaintenanceToggleHandler(NOWHERE, Clock.systemUTC())
                .handleRequest(Map.of("enabled", true, "issued_at", "yesterday"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input.issued_at must be an RFC 3339 time such as $$.State.EnteredTime, got yesterday");
    }

    @Test
    void verifyWrites_withNonStringDatabase_isRefused() {
        assertThatThrownBy(() -> new VerifyWritesHandler(NOWHERE).handleRequest(Map.of("database", 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input.database");
    }

    @Test
    void queuesDrained_withoutQueues_isRefused() {
        QueuesDrainedHandler h = new QueuesDrainedHandler(new QueueDrainCheck(null));
        assertThatThrownBy(() -> h.handleRequest(new HashMap<>(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input.queues");
        assertThatThrownBy(() -> h.handleRequest(Map.of("queues", List.of("not-a-url")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-a-url is not a queue URL");
    }

    @Test
    void errorDetail_isOneLineAndBounded() {
        String long500 = "x\n".repeat(400);
        org.assertj.core.api.Assertions.assertThat(DjangoOps.detail(long500)).hasSize(301).doesNotContain("\n");
    }
}
