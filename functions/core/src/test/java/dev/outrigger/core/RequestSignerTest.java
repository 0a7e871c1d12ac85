package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestSignerTest {
    private static final byte[] BODY = "{\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signature_matchesAFixedHmacVector() {
        // python3: hmac.new(b"topsecret", b'1700000000.{"id":"job-1"}', hashlib.sha256).hexdigest()
        assertThat(RequestSigner.signature("topsecret", 1_700_000_000L, BODY))
                .isEqualTo("v1=55abbc790ce80605b96e8cbee3d8eeaa833cc17f048b4fdc006f816893da952c");
        assertThat(RequestSigner.signature("k", 0, new byte[0]))
                .isEqualTo("v1=6b4a4b8b3c40f1e8f53a3d36682e5f99f7ad2ac1df1c93dfe336f329167641e7");
    }

    @Test
    void signature_matchesTheDjangoClientsVector() {
        // The same vector is asserted in clients/django/tests: Java signs what Python verifies.
        assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, BODY))
                .isEqualTo("v1=5ba7f4db045f2945d920148627281db2752efbdd3b5a6b164e6c7d236ad180b8");
    }

    @Test
    void signature_coversTheTimestamp() {
        assertThat(RequestSigner.signature("s", 1, BODY)).isNotEqualTo(RequestSigner.signature("s", 2, BODY));
    }

    @Test
    void signature_withEmptySecret_isAConfigError() {
        assertThatThrownBy(() -> RequestSigner.signature("", 1, BODY)).isInstanceOf(ConfigException.class);
    }

    @Test
    void verify_acceptsInsideTheWindow_andRejectsOutside() {
        String sig = RequestSigner.signature("s", 1000, BODY);
        assertThat(RequestSigner.verify("s", sig, 1000, BODY, 1000, 300)).isTrue();
        assertThat(RequestSigner.verify("s", sig, 1000, BODY, 1300, 300)).isTrue();
        assertThat(RequestSigner.verify("s", sig, 1000, BODY, 700, 300)).isTrue();
        assertThat(RequestSigner.verify("s", sig, 1000, BODY, 1301, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig, 1000, BODY, 699, 300)).isFalse();
    }

    @Test
    void verify_rejectsTamperingAndWrongSecrets() {
        String sig = RequestSigner.signature("s", 1000, BODY);
        assertThat(RequestSigner.verify("other", sig, 1000, BODY, 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig, 1001, BODY, 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig, 1000, "{}".getBytes(StandardCharsets.UTF_8), 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig.toUpperCase(), 1000, BODY, 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig.substring(3), 1000, BODY, 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", sig + "00", 1000, BODY, 1000, 300)).isFalse();
        assertThat(RequestSigner.verify("s", null, 1000, BODY, 1000, 300)).isFalse();
    }

    @Test
    void signature_whenTheSecretAlternates_usesEachCallsOwnKey() {
        // The keyed Mac is cached per key: switching keys (a rotation, two functions in one JVM) must not reuse it.
        for (int i = 0; i < 3; i++) {
            assertThat(RequestSigner.signature("topsecret", 1_700_000_000L, BODY))
                    .isEqualTo("v1=55abbc790ce80605b96e8cbee3d8eeaa833cc17f048b4fdc006f816893da952c");
            assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, BODY))
                    .isEqualTo("v1=5ba7f4db045f2945d920148627281db2752efbdd3b5a6b164e6c7d236ad180b8");
        }
        RequestSigner.forgetKey();
        assertThat(RequestSigner.signature("topsecret", 1_700_000_000L, BODY))
                .isEqualTo("v1=55abbc790ce80605b96e8cbee3d8eeaa833cc17f048b4fdc006f816893da952c");
    }

    @Test
    void signature_fromManyThreadsAtOnce_isTheSameAsFromOne() throws Exception {
        String expected = RequestSigner.signature("s", 42, BODY);
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 2_000; i++) {
                String secret = i % 7 == 0 ? "other" : "s";
                futures.add(threads.submit(() -> secret + " " + RequestSigner.signature(secret, 42, BODY)));
            }
            String other = RequestSigner.signature("other", 42, BODY);
            for (var future : futures) {
                String result = future.get();
                assertThat(result).isIn("s " + expected, "other " + other);
            }
        }
    }
}
