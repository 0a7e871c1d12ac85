package dev.outrigger.secrets;

import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.SecretStore;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The signing secret from Secrets Manager: GetSecretValue by ARN, the string value
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html). The function's role needs
 * {@code secretsmanager:GetSecretValue} on that ARN (template.yaml, SigningSecret).
 */
public final class SecretsManagerStore implements SecretStore {
    @Override
    public Service service() {
        return Service.SECRETS_MANAGER;
    }

    @Override
    public String read(String arn, Env env) {
        // Built per read and closed: a read happens once per container (and after a SnapStart restore).
        try (SecretsManagerClient client = AwsClientConfig.configure(SecretsManagerClient.builder(), env, "SECRETS_MANAGER").build()) {
            return client.getSecretValue(r -> r.secretId(arn)).secretString();
        }
    }
}
