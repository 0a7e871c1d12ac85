package dev.outrigger.core;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed-call contract of DESIGN.md: {@code X-Outrigger-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">}.
 * The timestamp is part of the signed text so a captured request can't be replayed outside Django's window.
 */
public final class RequestSigner {
    public static final String TIMESTAMP_HEADER = "X-Outrigger-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Outrigger-Signature";
    public static final String JOB_ID_HEADER = "X-Outrigger-Job-Id";
    public static final String ATTEMPT_HEADER = "X-Outrigger-Attempt";
    public static final String SCHEME = "v1=";

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

    public static String signature(String secret, long unixSeconds, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new ConfigException("the signing secret is empty");
        }
        try {
            Mac mac = keyedMac(secret);
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Checks a received signature in constant time, and that its timestamp lies within the tolerance of now. */
    public static boolean verify(String secret, String signatureHeader, long unixSeconds, byte[] body,
                                 long nowSeconds, long toleranceSeconds) {
        if (signatureHeader == null || !signatureHeader.startsWith(SCHEME)) {
            return false;
        }
        if (Math.abs(nowSeconds - unixSeconds) > toleranceSeconds) {
            return false;
        }
        byte[] expected = signature(secret, unixSeconds, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII));
    }
}
