package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestSignerTest {
    private static final String ROUTE = "tasks/reports.generate";
    private static final byte[] BODY = "{\"task\":\"reports.generate\",\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8);
    /** A hook route with dots and a body with non-ASCII UTF-8 (ü, an en dash, CJK). */
    private static final String HOOK_ROUTE = "hooks/billing.month-end";
    private static final byte[] HOOK_BODY = ("{\"hook\":\"billing.month-end\",\"id\":\"hook:billing.month-end:2026-01-31T23:00:00Z\","
            + "\"args\":{\"note\":\"Z\u00fcrich \u2013 \u6771\u4eac\"}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] MAINTENANCE_BODY =
            "{\"action\":\"maintenance\",\"enabled\":true,\"reason\":\"cutover\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signature_matchesTheVectorsSharedWithTheDjangoClient() {
        // The same vectors are asserted in clients/django/tests/test_signing.py: Java signs what Python verifies.
        // python3: hmac.new(b"outrigger-test-secret", b'1700000000.POST.tasks/reports.generate.' + body, sha256)
        assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, "POST", ROUTE, BODY))
                .isEqualTo("v2=075af84bc64a2f8e65a88bb1d93966409fa4eedbdfaad3f1fc569d38cfb09beb");
        assertThat(HOOK_BODY).hasSize(116); // UTF-8 bytes, not chars
        assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, "POST", HOOK_ROUTE, HOOK_BODY))
                .isEqualTo("v2=51fc3582d6442f68031b0ab3f714d9d5b87e7461896a1d4a41d90d7de5e06f57");
        assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, "POST", "maintenance", MAINTENANCE_BODY))
                .isEqualTo("v2=4706b9e0a190faa4505d27d3b1e403fffcaf51ec198fe03147fbc6b8f8a6657f");
        // the same body to another route is another signature
        assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, "POST", "hooks/reports.generate", BODY))
                .isEqualTo("v2=1187382a1dc41030b94431d6589f2d24c65c33649294bcc0a578b96e68b7f359");
    }

    @Test
    void signature_coversTimestampMethodRouteAndBody() {
        String base = RequestSigner.signature("s", 1, "POST", ROUTE, BODY);
        assertThat(RequestSigner.signature("s", 2, "POST", ROUTE, BODY)).isNotEqualTo(base);
        assertThat(RequestSigner.signature("s", 1, "PUT", ROUTE, BODY)).isNotEqualTo(base);
        assertThat(RequestSigner.signature("s", 1, "POST", "tasks/reports.other", BODY)).isNotEqualTo(base);
        assertThat(RequestSigner.signature("s", 1, "POST", ROUTE, "{}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(base);
    }

    @Test
    void signature_withEmptySecret_isAConfigError() {
        assertThatThrownBy(() -> RequestSigner.signature("", 1, "POST", ROUTE, BODY)).isInstanceOf(ConfigException.class);
    }

    private static boolean verify(String secret, String method, String route, String timestamp, String signature,
                                  byte[] body, long now) {
        return RequestSigner.verify(secret, method, route, timestamp, signature, body, now, 300);
    }

    @Test
    void verify_acceptsInsideTheWindow_andRejectsOutside() {
        String sig = RequestSigner.signature("s", 1000, "POST", ROUTE, BODY);
        assertThat(verify("s", "POST", ROUTE, "1000", sig, BODY, 1000)).isTrue();
        assertThat(verify("s", "POST", ROUTE, "1000", sig, BODY, 1300)).isTrue();
        assertThat(verify("s", "POST", ROUTE, "1000", sig, BODY, 700)).isTrue();
        assertThat(verify("s", "POST", ROUTE, "1000", sig, BODY, 1301)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", sig, BODY, 699)).isFalse();
    }

    @Test
    void verify_rejectsTamperingWrongSecretsAndBadHeaders() {
        String sig = RequestSigner.signature("s", 1000, "POST", ROUTE, BODY);
        assertThat(verify("other", "POST", ROUTE, "1000", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1001", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", sig, "{\"task\":\"reports.generate\"}".getBytes(StandardCharsets.UTF_8), 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", sig.toUpperCase(), BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", sig.substring(3), BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", "v1=" + sig.substring(3), BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", sig + "00", BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1000", null, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, null, sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "1e3", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", ROUTE, "-1000", sig, BODY, 1000)).isFalse();
    }

    @Test
    void verify_aCallReplayedToAnotherRouteOrMethod_isRefused() {
        String sig = RequestSigner.signature("s", 1000, "POST", ROUTE, BODY);
        assertThat(verify("s", "POST", "tasks/reports.other", "1000", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", "hooks/reports.generate", "1000", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", "maintenance", "1000", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "POST", "verify-writes", "1000", sig, BODY, 1000)).isFalse();
        assertThat(verify("s", "PUT", ROUTE, "1000", sig, BODY, 1000)).isFalse();
    }

    @Test
    void verify_aCorrectlySignedBodyThatNamesAnotherAction_isRefused() {
        // Signed for the route it is sent to, but the body names another task, or no action: Django refuses it too.
        byte[] other = "{\"task\":\"reports.other\",\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(verify("s", "POST", ROUTE, "1000", RequestSigner.signature("s", 1000, "POST", ROUTE, other), other, 1000)).isFalse();
        byte[] none = "{\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(verify("s", "POST", ROUTE, "1000", RequestSigner.signature("s", 1000, "POST", ROUTE, none), none, 1000)).isFalse();
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(verify("s", "POST", ROUTE, "1000", RequestSigner.signature("s", 1000, "POST", ROUTE, notJson), notJson, 1000)).isFalse();
        // and a route that is no Outrigger endpoint
        assertThat(verify("s", "POST", "admin/", "1000", RequestSigner.signature("s", 1000, "POST", "admin/", BODY), BODY, 1000)).isFalse();
        // the control: the hook vector verifies at its own route
        String hookSig = RequestSigner.signature("s", 1000, "POST", HOOK_ROUTE, HOOK_BODY);
        assertThat(verify("s", "POST", HOOK_ROUTE, "1000", hookSig, HOOK_BODY, 1000)).isTrue();
    }

    @Test
    void signature_whenTheSecretAlternates_usesEachCallsOwnKey() {
        // The keyed Mac is cached per key: switching keys (a rotation, two functions in one JVM) must not reuse it.
        // python3: hmac.new(b"topsecret", b'1700000000.POST.tasks/reports.generate.' + body, sha256)
        String topsecret = "v2=fb3cc90b2f752cc2599ded8bb37d640a24e8557311e2b4342e02b7d843ea6393";
        for (int i = 0; i < 3; i++) {
            assertThat(RequestSigner.signature("topsecret", 1_700_000_000L, "POST", ROUTE, BODY)).isEqualTo(topsecret);
            assertThat(RequestSigner.signature("outrigger-test-secret", 1_700_000_000L, "POST", ROUTE, BODY))
                    .isEqualTo("v2=075af84bc64a2f8e65a88bb1d93966409fa4eedbdfaad3f1fc569d38cfb09beb");
        }
        RequestSigner.forgetKey();
        assertThat(RequestSigner.signature("topsecret", 1_700_000_000L, "POST", ROUTE, BODY)).isEqualTo(topsecret);
    }

    @Test
    void signature_fromManyThreadsAtOnce_isTheSameAsFromOne() throws Exception {
        String expected = RequestSigner.signature("s", 42, "POST", ROUTE, BODY);
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 2_000; i++) {
                String secret = i % 7 == 0 ? "other" : "s";
                futures.add(threads.submit(() -> secret + " " + RequestSigner.signature(secret, 42, "POST", ROUTE, BODY)));
            }
            String other = RequestSigner.signature("other", 42, "POST", ROUTE, BODY);
            for (var future : futures) {
                String result = future.get();
                assertThat(result).isIn("s " + expected, "other " + other);
            }
        }
    }
}
