package dev.outrigger.secrets;

import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.SecretStore;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The signing secret from an SSM Parameter Store SecureString: GetParameter with decryption. The function's role
 * needs {@code ssm:GetParameter} on that ARN (template.yaml, SigningSecret) and kms:Decrypt on a customer managed key
 * if the parameter uses one.
 */
public final class SsmParameterStore implements SecretStore {
    @Override
    public Service service() {
        return Service.SSM;
    }

    @Override
    public String read(String arn, Env env) {
        // GetParameter takes the ARN as the name. Deriving the name from the ARN is ambiguous: both "foo" and "/foo"
        // have the ARN ...:parameter/foo (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
        try (SsmClient client = AwsClientConfig.configure(SsmClient.builder(), env, "SSM").build()) {
            return client.getParameter(r -> r.name(arn).withDecryption(true)).parameter().value();
        }
    }
}
