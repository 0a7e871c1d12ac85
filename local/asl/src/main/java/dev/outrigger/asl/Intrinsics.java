package dev.outrigger.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * The 18 intrinsic functions of the JSONPath query language.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 * Argument errors are States.IntrinsicFailure, like AWS.
 */
final class Intrinsics {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Markers for escaped braces inside string literals, so States.Format can tell them from placeholders. */
    static final char OPEN = '\uE000';
    static final char CLOSE = '\uE001';

    static final Set<String> NAMES = Set.of("States.Format", "States.StringToJson", "States.JsonToString",
            "States.Array", "States.ArrayPartition", "States.ArrayContains", "States.ArrayRange",
            "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique", "States.Base64Encode",
            "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom", "States.MathAdd",
            "States.StringSplit", "States.UUID");

    private Intrinsics() {
    }

    /** A parsed argument or call. */
    sealed interface Expr permits Call, Literal, PathArg {
    }

    record Call(String name, List<Expr> args) implements Expr {
    }

    record Literal(JsonNode value) implements Expr {
    }

    record PathArg(JsonPath path) implements Expr {
    }

    /** What a call needs from the execution: the documents paths read and a seeded random source. */
    interface Env {
        JsonNode input();

        JsonNode context();

        Map<String, JsonNode> variables();

        java.util.Random random();
    }

    static boolean looksLikeCall(String text) {
        return text.startsWith("States.");
    }

    static JsonNode evaluate(Expr e, Env env, String field) {
        return switch (e) {
            case Literal l -> l.value().isTextual() ? NF.textNode(unmark(l.value().textValue())) : l.value();
            case PathArg p -> {
                try {
                    yield p.path().read(env.input(), env.context(), env.variables());
                } catch (JsonPath.PathNotFoundException ex) {
                    throw new StatesError(Errors.PARAMETER_PATH_FAILURE,
                            "The JsonPath argument for the field '" + field + "' could not be found in the input '"
                                    + pathSource(p.path(), env) + "'");
                }
            }
            case Call c -> call(c, env, field);
        };
    }

    private static String pathSource(JsonPath p, Env env) {
        return switch (p.root()) {
            case INPUT -> String.valueOf(env.input());
            case CONTEXT -> String.valueOf(env.context());
            case VARIABLE -> "variables";
        };
    }

    private static StatesError fail(Call c, String why) {
        return new StatesError(Errors.INTRINSIC_FAILURE, "Invalid arguments in " + c.name() + ": " + why);
    }

    private static JsonNode call(Call c, Env env, String field) {
        if (c.name().equals("States.Format")) {
            String template = ((Literal) c.args().getFirst()).value().textValue();
            List<JsonNode> values = new ArrayList<>();
            for (Expr a : c.args().subList(1, c.args().size())) {
                values.add(evaluate(a, env, field));
            }
            StringBuilder out = new StringBuilder();
            int next = 0;
            for (int i = 0; i < template.length(); i++) {
                char ch = template.charAt(i);
                if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    if (next >= values.size()) {
                        throw fail(c, "the format string has more placeholders than arguments");
                    }
                    JsonNode v = values.get(next++);
                    if (v.isContainerNode()) {
                        throw fail(c, "only string, number, boolean and null values can be formatted, got " + v);
                    }
                    out.append(v.isTextual() ? v.textValue() : v.toString());
                    i++;
                } else {
                    out.append(ch == OPEN ? '{' : ch == CLOSE ? '}' : ch);
                }
            }
            if (next != values.size()) {
                throw fail(c, "the format string has fewer placeholders than arguments");
            }
            return NF.textNode(out.toString());
        }
        List<JsonNode> a = new ArrayList<>();
        for (Expr e : c.args()) {
            a.add(evaluate(e, env, field));
        }
        switch (c.name()) {
            case "States.StringToJson" -> {
                String text = str(c, a, 0);
                try {
                    return MAPPER.readTree(text);
                } catch (JsonProcessingException ex) {
                    throw fail(c, "the string is not valid JSON: " + text);
                }
            }
            case "States.JsonToString" -> {
                return NF.textNode(a.getFirst().toString());
            }
            case "States.Array" -> {
                ArrayNode arr = NF.arrayNode();
                a.forEach(arr::add);
                return arr;
            }
            case "States.ArrayPartition" -> {
                ArrayNode arr = arr(c, a, 0);
                int size = integer(c, a, 1);
                if (size <= 0) {
                    throw fail(c, "the chunk size must be a positive integer, got " + size);
                }
                ArrayNode out = NF.arrayNode();
                ArrayNode chunk = null;
                for (JsonNode item : arr) {
                    if (chunk == null || chunk.size() == size) {
                        chunk = out.addArray();
                    }
                    chunk.add(item);
                }
                return out;
            }
            case "States.ArrayContains" -> {
                ArrayNode arr = arr(c, a, 0);
                JsonNode needle = a.get(1);
                for (JsonNode item : arr) {
                    if (jsonEquals(item, needle)) {
                        return NF.booleanNode(true);
                    }
                }
                return NF.booleanNode(false);
            }
            case "States.ArrayRange" -> {
                int start = integer(c, a, 0);
                int end = integer(c, a, 1);
                int step = integer(c, a, 2);
                if (step == 0) {
                    throw fail(c, "the step must not be 0");
                }
                ArrayNode out = NF.arrayNode();
                for (long i = start; step > 0 ? i <= end : i >= end; i += step) {
                    if (out.size() == 1000) {
                        throw fail(c, "the range has more than 1000 items");
                    }
                    out.add((int) i);
                }
                return out;
            }
            case "States.ArrayGetItem" -> {
                ArrayNode arr = arr(c, a, 0);
                int index = integer(c, a, 1);
                if (index < 0 || index >= arr.size()) {
                    throw fail(c, "index " + index + " is out of bounds for an array of " + arr.size());
                }
                return arr.get(index);
            }
            case "States.ArrayLength" -> {
                return NF.numberNode(arr(c, a, 0).size());
            }
            case "States.ArrayUnique" -> {
                ArrayNode out = NF.arrayNode();
                for (JsonNode item : arr(c, a, 0)) {
                    boolean seen = false;
                    for (JsonNode o : out) {
                        seen |= jsonEquals(o, item);
                    }
                    if (!seen) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "States.Base64Encode" -> {
                String text = str(c, a, 0);
                if (text.length() > 10_000) {
                    throw fail(c, "the input is longer than 10000 characters");
                }
                return NF.textNode(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
            }
            case "States.Base64Decode" -> {
                String text = str(c, a, 0);
                if (text.length() > 10_000) {
                    throw fail(c, "the input is longer than 10000 characters");
                }
                try {
                    return NF.textNode(new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException ex) {
                    throw fail(c, "the input is not base64: " + text);
                }
            }
            case "States.Hash" -> {
                JsonNode data = a.get(0);
                String text = data.isTextual() ? data.textValue() : data.toString();
                if (text.length() > 10_000) {
                    throw fail(c, "the input is longer than 10000 characters");
                }
                String alg = str(c, a, 1);
                String javaAlg = switch (alg) {
                    case "MD5" -> "MD5";
                    case "SHA-1" -> "SHA-1";
                    case "SHA-256" -> "SHA-256";
                    case "SHA-384" -> "SHA-384";
                    case "SHA-512" -> "SHA-512";
                    default -> throw fail(c, "the hash algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, "
                            + "SHA-512, got '" + alg + "'");
                };
                try {
                    byte[] digest = MessageDigest.getInstance(javaAlg).digest(text.getBytes(StandardCharsets.UTF_8));
                    return NF.textNode(HexFormat.of().formatHex(digest));
                } catch (NoSuchAlgorithmException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            case "States.JsonMerge" -> {
                if (!a.get(0).isObject() || !a.get(1).isObject()) {
                    throw fail(c, "the first two arguments must be JSON objects");
                }
                if (!a.get(2).isBoolean()) {
                    throw fail(c, "the third argument must be a boolean");
                }
                if (a.get(2).booleanValue()) {
                    // AWS supports only the shallow mode; deep merge is rejected.
                    throw fail(c, "only shallow merging is supported; the third argument must be false");
                }
                ObjectNode out = ((ObjectNode) a.get(0)).deepCopy();
                out.setAll((ObjectNode) a.get(1).deepCopy());
                return out;
            }
            case "States.MathRandom" -> {
                int start = integer(c, a, 0);
                int end = integer(c, a, 1);
                if (end <= start) {
                    throw fail(c, "the end must be greater than the start");
                }
                java.util.Random r = a.size() == 3 ? new java.util.Random(integer(c, a, 2)) : env.random();
                return NF.numberNode(start + (int) Math.floor(r.nextDouble() * ((long) end - start)));
            }
            case "States.MathAdd" -> {
                int x = integer(c, a, 0);
                int y = integer(c, a, 1);
                long sum = (long) x + y;
                if (sum > Integer.MAX_VALUE || sum < Integer.MIN_VALUE) {
                    throw fail(c, "the sum is outside the 32-bit integer range");
                }
                return NF.numberNode((int) sum);
            }
            case "States.StringSplit" -> {
                String text = str(c, a, 0);
                String delims = str(c, a, 1);
                ArrayNode out = NF.arrayNode();
                StringBuilder cur = new StringBuilder();
                for (char ch : text.toCharArray()) {
                    if (delims.indexOf(ch) >= 0) {
                        if (!cur.isEmpty()) {
                            out.add(cur.toString());
                        }
                        cur.setLength(0);
                    } else {
                        cur.append(ch);
                    }
                }
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                }
                return out;
            }
            case "States.UUID" -> {
                java.util.Random r = env.random();
                long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
                long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                return NF.textNode(new java.util.UUID(msb, lsb).toString());
            }
            default -> throw new IllegalStateException(c.name());
        }
    }

    private static String str(Call c, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!v.isTextual()) {
            throw fail(c, "argument " + (i + 1) + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static ArrayNode arr(Call c, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!(v instanceof ArrayNode arr)) {
            throw fail(c, "argument " + (i + 1) + " must be an array, got " + v);
        }
        return arr;
    }

    private static int integer(Call c, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            try {
                return d.stripTrailingZeros().intValueExact();
            } catch (ArithmeticException e) {
                throw fail(c, "argument " + (i + 1) + " must be an integer, got " + v);
            }
        }
        throw fail(c, "argument " + (i + 1) + " must be an integer, got " + v);
    }

    /** JSON equality where 1 and 1.0 are the same number. */
    static boolean jsonEquals(JsonNode x, JsonNode y) {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue()) == 0;
        }
        if (x.isArray() && y.isArray()) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!jsonEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (x.isObject() && y.isObject()) {
            if (x.size() != y.size()) {
                return false;
            }
            Set<String> keys = new LinkedHashSet<>();
            x.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (!y.has(k) || !jsonEquals(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return x.equals(y);
    }

    static JsonNode numberNode(BigDecimal d) {
        try {
            long l = d.longValueExact();
            return l == (int) l ? NF.numberNode((int) l) : NF.numberNode(l);
        } catch (ArithmeticException e) {
            return NF.numberNode(d.doubleValue());
        }
    }

    private static String unmark(String s) {
        return s.replace(OPEN, '{').replace(CLOSE, '}');
    }
}
