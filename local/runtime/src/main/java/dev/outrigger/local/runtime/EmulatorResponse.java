package dev.outrigger.local.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.outrigger.core.Json;
import java.nio.charset.StandardCharsets;

/** What an emulated service answers, with any headers beyond Content-Type (Lambda's X-Amz-Function-Error, say). */
public record EmulatorResponse(int status, String contentType, byte[] body, java.util.Map<String, String> headers) {

    public EmulatorResponse {
        headers = headers == null ? java.util.Map.of() : java.util.Map.copyOf(headers);
    }

    public EmulatorResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, java.util.Map.of());
    }

    public EmulatorResponse withHeader(String name, String value) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new EmulatorResponse(status, contentType, body, all);
    }

    public static EmulatorResponse xml(String xml) {
        return new EmulatorResponse(200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON 1.0/1.1 or REST-JSON answer. */
    public static EmulatorResponse json(Object value) {
        try {
            return new EmulatorResponse(200, "application/x-amz-json-1.1", Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AWS query-protocol error (SNS, CloudWatch query). */
    public static EmulatorResponse queryError(int status, String code, String message) {
        String xml = "<ErrorResponse><Error><Type>Sender</Type><Code>" + Xml.escape(code) + "</Code><Message>"
                + Xml.escape(message) + "</Message></Error><RequestId>" + java.util.UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new EmulatorResponse(status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON-protocol error: the SDKs read __type and message. */
    public static EmulatorResponse jsonError(int status, String code, String message) {
        return new EmulatorResponse(status, "application/x-amz-json-1.1",
                ("{\"__type\":" + quote(code) + ",\"message\":" + quote(message) + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
