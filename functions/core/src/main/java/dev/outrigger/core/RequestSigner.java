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

    private RequestSigner() {
    }

    public static String signature(String secret, long unixSeconds, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new ConfigException("the signing secret is empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
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
