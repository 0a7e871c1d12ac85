package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterAttributesTest {
    @Test
    void errorMessage_isCutToOneKibOfUtf8_neverInsideACharacter() {
        String text = "é".repeat(600) + "😀".repeat(300); // 1200 + 1200 bytes
        String cut = DeadLetterAttributes.truncateUtf8(text, 1024);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(cut).endsWith("…").startsWith("éé");
        assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(cut);
        String emoji = DeadLetterAttributes.truncateUtf8("😀".repeat(400), 1024);
        assertThat(emoji.codePoints().filter(cp -> cp == 0x1F600).count()).isEqualTo((1024 - 3) / 4);
        assertThat(DeadLetterAttributes.truncateUtf8("short", 1024)).isEqualTo("short");
    }

    @Test
    void sanitize_replacesCharactersSqsRejects() {
        assertThat(DeadLetterAttributes.sanitize("a\u0000b\u0007c\td\uFFFF")).isEqualTo("a?b?c\td?");
        assertThat(DeadLetterAttributes.sanitize("bad \uD800 surrogate")).isEqualTo("bad ? surrogate");
    }

    @Test
    void errorMessage_isSanitizedAndCut_andNeverEmpty() {
        assertThat(DeadLetterAttributes.errorMessage("x\u0000".repeat(1000))).endsWith("…").startsWith("x?x?");
        assertThat(DeadLetterAttributes.errorMessage(" ")).isEqualTo("(no message)");
        assertThat(DeadLetterAttributes.errorMessage(null)).isEqualTo("(no message)");
    }
}
