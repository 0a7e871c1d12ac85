package dev.outrigger.core;

import java.util.Optional;

/**
 * Reads a signing secret, by ARN, from the AWS service that holds it. Each implementation ships in its own small
 * module (functions/secret-secretsmanager, functions/secret-ssm), deployed as a Lambda layer: template.yaml gives a
 * signing function the one layer that matches SigningSecretArn, so it carries that service's client and not the
 * other's. {@link SecretSources} finds the implementation on the class path with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.outrigger.core.SecretStore}).
 */
public interface SecretStore {
    /** The services a signing secret may live in, told apart by the ARN. */
    enum Service {
        SECRETS_MANAGER("Secrets Manager", "outrigger-secret-secretsmanager"),
        SSM("SSM Parameter Store", "outrigger-secret-ssm");

        private final String title;
        private final String module;

        Service(String title, String module) {
            this.title = title;
            this.module = module;
        }

        public String title() {
            return title;
        }

        /** The module (and layer) that holds this service's store. */
        public String module() {
            return module;
        }

        /**
         * {@code arn:<partition>:secretsmanager:…} or an SSM parameter ARN {@code arn:<partition>:ssm:…:parameter/…}
         * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html); anything else is empty.
         */
        public static Optional<Service> of(String arn) {
            String[] parts = arn.split(":", 6);
            if (parts.length < 6 || !parts[0].equals("arn") || !parts[1].startsWith("aws")) {
                return Optional.empty();
            }
            if (parts[2].equals("secretsmanager") && parts[5].startsWith("secret:")) {
                return Optional.of(SECRETS_MANAGER);
            }
            if (parts[2].equals("ssm") && parts[5].startsWith("parameter/")) {
                return Optional.of(SSM);
            }
            return Optional.empty();
        }
    }

    Service service();

    /** The secret's current value. Failures are thrown; {@link SecretSources} reports them without the value. */
    String read(String arn, Env env);
}
