package dev.outrigger.bench.launch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;
import dev.outrigger.core.SecretSources;
import dev.outrigger.core.SignedDjangoClient;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Cold start of a signed POST to Django alone, one fresh JVM per run: the default TLS context first (production's
 * Django is https, so every client pays it; timed apart), then the client's first signed call to the stand-in
 * Django. Usage: {@code DjangoClientStartMain <java.net.http|urlconnection>}, with DJANGO_BASE_URL and
 * OUTRIGGER_SIGNING_SECRET set.
 * <ul>
 *   <li>{@code java.net.http}: core's {@link SignedDjangoClient}, what the functions use;</li>
 *   <li>{@code urlconnection}: the same signed request (same headers, {@link RequestSigner}) over
 *       {@link HttpURLConnection}, to show what the HTTP client itself costs.</li>
 * </ul>
 */
public final class DjangoClientStartMain {
    private DjangoClientStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long startNs = System.nanoTime();
        SSLContext.getDefault();
        long tlsNs = System.nanoTime();
        DjangoRoute route = DjangoRoute.task("bench.probe");
        ObjectNode call = route.newBody().put("id", "probe-1").put("attempt", 1);
        call.putObject("payload");
        call.putObject("meta");
        byte[] body = Json.write(call).getBytes(StandardCharsets.UTF_8);
        Env env = Env.system();
        int status;
        if (args[0].equals("java.net.http")) {
            status = SignedDjangoClient.fromEnv(env).post(route, call, "probe-1", 1, Duration.ofSeconds(10)).status();
        } else {
            long timestamp = System.currentTimeMillis() / 1000;
            URI uri = URI.create(env.require(SignedDjangoClient.BASE_URL_ENV)).resolve(route.path());
            HttpURLConnection conn = (HttpURLConnection) uri.toURL().openConnection();
            conn.setInstanceFollowRedirects(false);
            conn.setConnectTimeout(3_000);
            conn.setReadTimeout(10_000);
            conn.setRequestMethod("POST");
            conn.setDoOutput(true);
            conn.setRequestProperty("Content-Type", "application/json");
            conn.setRequestProperty(RequestSigner.TIMESTAMP_HEADER, Long.toString(timestamp));
            conn.setRequestProperty(RequestSigner.SIGNATURE_HEADER,
                    RequestSigner.signature(SecretSources.fromEnv(env).secret(), timestamp, "POST", route.path(), body));
            conn.setRequestProperty(RequestSigner.JOB_ID_HEADER, "probe-1");
            conn.setRequestProperty(RequestSigner.ATTEMPT_HEADER, "1");
            conn.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body);
            }
            status = conn.getResponseCode();
            conn.getInputStream().readAllBytes();
        }
        long doneNs = System.nanoTime();
        System.out.println("BENCH tls_ms=" + LambdaLikeMain.ms(tlsNs - startNs) + " first_invoke_ms=" + LambdaLikeMain.ms(doneNs - tlsNs)
                + " status=" + status);
        System.exit(0);
    }
}
