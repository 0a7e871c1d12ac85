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

    /**
     * The store this module's tests put on the class path (src/test/resources/META-INF/services): Secrets Manager
     * only, so the tests see both a function that ships the matching store and one that does not. The real stores,
     * against the real APIs, are tested in tests/ (SecretLayersIT).
     */
    public static final class CountingStore implements SecretStore {
        static final AtomicInteger READS = new AtomicInteger();

        @Override
        public Service service() {
            return Service.SECRETS_MANAGER;
        }

        @Override
        public String read(String arn, Env env) {
            READS.incrementAndGet();
            return "from " + arn + " in " + env.require("AWS_REGION");
        }
    }

    @Test
    void arns_tellTheServiceApart() {
        assertThat(SecretStore.Service.of("arn:aws:secretsmanager:eu-west-1:123456789012:secret:outrigger-abc123"))
                .contains(SecretStore.Service.SECRETS_MANAGER);
        assertThat(SecretStore.Service.of("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x")).contains(SecretStore.Service.SECRETS_MANAGER);
        assertThat(SecretStore.Service.of("arn:aws:ssm:eu-west-1:123456789012:parameter/outrigger/signing")).contains(SecretStore.Service.SSM);
        assertThat(SecretStore.Service.of("arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x")).contains(SecretStore.Service.SSM);
        assertThat(SecretStore.Service.of("arn:aws:ssm:eu-west-1:123456789012:document/x")).isEmpty();
        assertThat(SecretStore.Service.of("arn:aws:s3:::bucket/key")).isEmpty();
        assertThat(SecretStore.Service.of("secretsmanager:secret:x")).isEmpty();
    }

    @Test
    void anArn_isReadByTheStoreOnTheClassPath_onFirstUseOnly() {
        int before = CountingStore.READS.get();
        String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:outrigger-abc123";
        SecretSource source = SecretSources.fromEnv(Env.of(Map.of("OUTRIGGER_SIGNING_SECRET_ARN", arn, "AWS_REGION", "eu-west-1",
                "OUTRIGGER_SIGNING_SECRET", "the literal loses")));
        assertThat(CountingStore.READS.get()).as("nothing read at construction").isEqualTo(before);
        assertThat(source.secret()).isEqualTo("from " + arn + " in eu-west-1");
        assertThat(source.secret()).isEqualTo("from " + arn + " in eu-west-1");
        assertThat(CountingStore.READS.get()).isEqualTo(before + 1);
    }

    @Test
    void anArnWithoutItsStore_isAConfigError_thatNamesTheModuleToShip() {
        assertThatThrownBy(() -> SecretSources.fromEnv(Env.of(Map.of("OUTRIGGER_SIGNING_SECRET_ARN",
                "arn:aws:ssm:us-east-1:123456789012:parameter/x", "OUTRIGGER_SIGNING_SECRET", "literal"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SSM Parameter Store").hasMessageContaining("outrigger-secret-ssm")
                .hasMessageNotContaining("literal");
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
