package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DlqOpsRequestTest {
    @Test
    void aRedrivesRate_isReadAsAnOperatorTypesIt_andBadTextIsAClearError() {
        assertThat(DlqOpsRequest.from(Map.of("action", "redrive", "queue", "q", "rate", 5)).rate()).isEqualTo(5.0);
        assertThat(DlqOpsRequest.from(Map.of("action", "redrive", "queue", "q", "rate", "2.5/s")).rate()).isEqualTo(2.5);
        assertThat(DlqOpsRequest.from(Map.of("action", "redrive", "queue", "q")).rate()).isNull();

        assertThatThrownBy(() -> DlqOpsRequest.from(Map.of("action", "redrive", "queue", "q", "rate", "fast")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input field 'rate' must be messages per second (5 or \"5/s\"), got 'fast'");
    }
}
