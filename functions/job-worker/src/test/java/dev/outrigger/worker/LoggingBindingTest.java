package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The worker logs through slf4j to Powertools' log4j2 JSON layout. slf4j-api 1.x (the AWS SDK's) can't see
 * log4j-slf4j2-impl and silently drops every line (the NOP logger), so guard the binding.
 */
class LoggingBindingTest {
    @Test
    void slf4j_isBoundToLog4j_notTheNopLogger() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).isEqualTo("org.apache.logging.slf4j.Log4jLoggerFactory");
    }
}
