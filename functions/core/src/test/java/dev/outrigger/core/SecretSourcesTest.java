package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SecretSourcesTest {
    @Test
    void literal_isUsedLocally() {
        assertThat(SecretSources.fromEnv(Env.of(Map.of("OUTRIGGER_SIGNING_SECRET", "dev-secret"))).secret()).isEqualTo("dev-secret");
    }

    @Test
    void missingBoth_namesBothVariables() {
        assertThatThrownBy(() -> SecretSources.fromEnv(Env.of(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OUTRIGGER_SIGNING_SECRET_ARN").hasMessageContaining("OUTRIGGER_SIGNING_SECRET");
    }

    @Test
    void unrecognisedArn_isAConfigError() {
        assertThatThrownBy(() -> SecretSources.fromEnv(Env.of(Map.of("OUTRIGGER_SIGNING_SECRET_ARN", "arn:aws:s3:::bucket/key"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OUTRIGGER_SIGNING_SECRET_ARN");
    }

    @Test
    void arns_choose_SecretsManager_orSsm_withoutFetchingAtConstruction() {
        // Endpoints that nothing listens on: constructing must not call them (the fetch is lazy).
        Env env = Env.of(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9", "AWS_REGION", "eu-west-1"));
        assertThat(SecretSources.fromEnv(env.with("OUTRIGGER_SIGNING_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:outrigger-abc123"))).isNotNull();
        assertThat(SecretSources.fromEnv(env.with("OUTRIGGER_SIGNING_SECRET_ARN",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/outrigger/signing"))).isNotNull();
        assertThat(SecretSources.fromEnv(env.with("OUTRIGGER_SIGNING_SECRET", "literal")
                .with("OUTRIGGER_SIGNING_SECRET_ARN", "arn:aws:ssm:eu-west-1:123456789012:parameter/x"))).isNotNull();
    }

    @Test
    void arn_winsOverTheLiteral_whenBothAreSet() {
        Env env = Env.of(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9", "OUTRIGGER_SIGNING_SECRET", "literal",
                "OUTRIGGER_SIGNING_SECRET_ARN", "arn:aws:ssm:us-east-1:123456789012:parameter/x"));
        // The ARN source is chosen, so reading it fails (nothing listens) instead of returning the literal.
        assertThatThrownBy(() -> SecretSources.fromEnv(env).secret())
                .isInstanceOf(ConfigException.class).hasMessageContaining("arn:aws:ssm").hasMessageNotContaining("literal");
    }

    @Test
    void cached_fetchesOnce_andRefreshRefetches() {
        AtomicInteger fetches = new AtomicInteger();
        SecretSource source = new SecretSources.Cached(() -> "s" + fetches.incrementAndGet(), "test");
        assertThat(fetches).hasValue(0);
        assertThat(source.secret()).isEqualTo("s1");
        assertThat(source.secret()).isEqualTo("s1");
        assertThat(fetches).hasValue(1);
        source.refresh();
        assertThat(source.secret()).isEqualTo("s2");
    }

    @Test
    void cached_failure_isNotCached_andNeverEchoesTheSecret() {
        AtomicInteger calls = new AtomicInteger();
        SecretSource source = new SecretSources.Cached(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("network down");
            }
            return "ok";
        }, "arn:aws:secretsmanager:us-east-1:1:secret:x");
        assertThatThrownBy(source::secret).isInstanceOf(ConfigException.class)
                .hasMessageContaining("arn:aws:secretsmanager").hasMessageContaining("IllegalStateException");
        assertThat(source.secret()).isEqualTo("ok");
        SecretSource empty = new SecretSources.Cached(() -> "", "test");
        assertThatThrownBy(empty::secret).isInstanceOf(ConfigException.class).hasMessageContaining("empty");
    }
}
