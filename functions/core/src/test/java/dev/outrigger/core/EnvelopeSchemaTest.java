package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The $defs of the schema file as the Java side reads them (the Django package reads the same file). */
class EnvelopeSchemaTest {
    private static ObjectNode schemaFile() throws IOException {
        return (ObjectNode) Json.MAPPER.readTree(Files.readString(EnvelopeValidatorTest.SCHEMA_FILE));
    }

    @Test
    void grammars_areTheDefsOfTheFile() throws IOException {
        ObjectNode defs = (ObjectNode) schemaFile().get("$defs");
        EnvelopeSchema schema = EnvelopeSchema.get();

        assertThat(schema.taskName().source()).isEqualTo(defs.get("taskName").get("pattern").asText());
        assertThat(schema.taskName().maxLength()).isEqualTo(defs.get("taskName").get("maxLength").asInt());
        assertThat(schema.jobId().source()).isEqualTo(defs.get("jobId").get("pattern").asText());
        assertThat(schema.jobType().maxLength()).isEqualTo(defs.get("jobType").get("maxLength").asInt());
        assertThat(schema.messageBytes().max()).isEqualTo(defs.get("messageBytes").get("maximum").asInt());
    }

    @Test
    void hookName_isATaskName_narrowedByItsOwnMaxLength() {
        EnvelopeSchema.NameGrammar task = EnvelopeSchema.get().taskName();
        EnvelopeSchema.NameGrammar hook = EnvelopeSchema.get().hookName();

        assertThat(hook.source()).isEqualTo(task.source());
        assertThat(hook.maxLength()).isEqualTo(96).isLessThan(task.maxLength());
        assertThat(hook.accepts("a".repeat(96))).isTrue();
        assertThat(hook.accepts("a".repeat(97))).isFalse();
        assertThat(task.accepts("a".repeat(97))).isTrue();
    }

    @Test
    void patterns_haveTheirEcmaMeaning_dollarIsTheEndOfTheString() {
        EnvelopeSchema.NameGrammar task = EnvelopeSchema.get().taskName();

        assertThat(task.accepts("billing:charge")).isTrue();
        assertThat(task.accepts("billing:charge\n")).isFalse();
        assertThat(java.util.regex.Pattern.compile(task.source()).matcher("billing:charge\n").find())
                .as("java.util.regex alone would take it").isTrue();
        assertThat(EnvelopeSchema.ecmaEndAnchors("^a[$]\\$b$")).isEqualTo("^a[$]\\$b\\z");
    }

    @Test
    void lengths_countCodePoints() {
        EnvelopeSchema.NameGrammar anyString = new EnvelopeSchema.NameGrammar("x", 1, 2, null);
        assertThat(anyString.accepts("\uD83D\uDE00\uD83D\uDE00")).isTrue();   // two emoji, four UTF-16 units
        assertThat(anyString.accepts("abc")).isFalse();
        assertThat(anyString.accepts(null)).isFalse();
    }

    @Test
    void describe_saysTheLengthsAndThePattern() {
        assertThat(EnvelopeSchema.get().hookName().describe())
                .isEqualTo("1 to 96 characters matching " + EnvelopeSchema.get().taskName().source());
    }

    @Test
    void aRefOutsideDefs_orAMissingDefinition_isRefused() throws IOException {
        ObjectNode outside = schemaFile();
        ((ObjectNode) outside.get("$defs").get("hookName")).put("$ref", "https://example.com/names.json");
        assertThatThrownBy(() -> EnvelopeSchema.parse(outside)).hasMessageContaining("is not a #/$defs/");

        ObjectNode missing = schemaFile();
        ((ObjectNode) missing.get("$defs")).remove("taskName");
        assertThatThrownBy(() -> EnvelopeSchema.parse(missing)).hasMessageContaining("no $defs/taskName");
    }
}
