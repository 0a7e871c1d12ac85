package dev.outrigger.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed-call contract of DESIGN.md ("Signed calls to Django"):
 * {@code X-Outrigger-Signature: v2=<lower-case hex HMAC-SHA256 of "<timestamp>.<METHOD>.<route>.<body>">}.
 * The timestamp is signed so a captured call can't be replayed outside Django's window; the method and the route
 * ({@link DjangoRoute#path()}) are signed so it can't be replayed to another endpoint. The text is unambiguous
 * although routes contain dots: the timestamp is digits, the method letters, a route never contains '{' and every
 * body is a JSON object, which starts with '{'.
 */
public final class RequestSigner {
    public static final String TIMESTAMP_HEADER = "X-Outrigger-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Outrigger-Signature";
    public static final String JOB_ID_HEADER = "X-Outrigger-Job-Id";
    public static final String ATTEMPT_HEADER = "X-Outrigger-Attempt";
    public static final String SCHEME = "v2=";

    private static final String ALGORITHM = "HmacSHA256";

    /**
     * A Mac initialised with the last key used, cloned per call. {@code Mac.getInstance} walks the provider list and
     * {@code init} derives the HMAC pads on every call; a clone copies the keyed state. A ThreadLocal would not help:
     * the worker runs each job on a fresh virtual thread. The prototype is never updated after {@code init}, so
     * cloning it from several threads at once only reads it.
     */
    private record Keyed(String secret, Mac mac) {
    }

    private static volatile Keyed prototype;

    private RequestSigner() {
    }

    private static Mac keyedMac(String secret) throws NoSuchAlgorithmException, InvalidKeyException {
        Keyed current = prototype;
        if (current == null || !current.secret().equals(secret)) {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            current = new Keyed(secret, mac);
            prototype = current;
        }
        try {
            return (Mac) current.mac().clone();
        } catch (CloneNotSupportedException e) {
            // A provider whose Mac can't be cloned: fall back to a fresh instance per call.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac;
        }
    }

    /** Drops the cached key, so nothing keyed outlives a SnapStart restore or a secret rotation longer than needed. */
    static void forgetKey() {
        prototype = null;
    }

    /** {@code v2=<hex>} for body sent with method (upper case) to route at unixSeconds. */
    public static String signature(String secret, long unixSeconds, String method, String route, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new ConfigException("the signing secret is empty");
        }
        try {
            Mac mac = keyedMac(secret);
            mac.update((unixSeconds + "." + method + "." + route + ".").getBytes(StandardCharsets.UTF_8));
            return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /**
     * Checks a received call the way {@code outrigger_django} does, for the stand-ins of Django (tests, the demo): the
     * timestamp header is unix seconds within toleranceSeconds of now, the v2 signature over method, route and body
     * matches (compared in constant time), and the body is a JSON object naming the route's action
     * ({@link DjangoRoute#isNamedBy}). Route is the request path relative to the base URL.
     */
    public static boolean verify(String secret, String method, String route, String timestampHeader,
                                 String signatureHeader, byte[] body, long nowSeconds, long toleranceSeconds) {
        if (timestampHeader == null || !timestampHeader.matches("[0-9]{1,12}")
                || signatureHeader == null || !signatureHeader.startsWith(SCHEME)) {
            return false;
        }
        long unixSeconds = Long.parseLong(timestampHeader);
        if (Math.abs(nowSeconds - unixSeconds) > toleranceSeconds) {
            return false;
        }
        byte[] expected = signature(secret, unixSeconds, method, route, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        Optional<DjangoRoute> action = DjangoRoute.parse(route);
        if (action.isEmpty()) {
            return false;
        }
        try {
            return action.get().isNamedBy(Json.MAPPER.readTree(body));
        } catch (IOException e) {
            return false;
        }
    }
}
