package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.JsonPath.DeepScan;
import dev.outrigger.asl.JsonPath.Filter;
import dev.outrigger.asl.JsonPath.FilterExpr;
import dev.outrigger.asl.JsonPath.Index;
import dev.outrigger.asl.JsonPath.InvalidPathException;
import dev.outrigger.asl.JsonPath.Name;
import dev.outrigger.asl.JsonPath.PathNotFoundException;
import dev.outrigger.asl.JsonPath.Root;
import dev.outrigger.asl.JsonPath.Slice;
import dev.outrigger.asl.JsonPath.Step;
import dev.outrigger.asl.JsonPath.Union;
import dev.outrigger.asl.JsonPath.Wildcard;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static dev.outrigger.asl.JsonPath.NF;
import static dev.outrigger.asl.JsonPath.isIdentPart;
import static dev.outrigger.asl.JsonPath.isIdentStart;

/** Parses the JSONPath subset {@link JsonPath} describes; a text it cannot parse is an InvalidPathException. */
final class JsonPathParser {
    private final String s;
    private int pos;

    JsonPathParser(String s) {
        this.s = s;
    }

    private InvalidPathException error(String what) {
        return new InvalidPathException("Invalid JSONPath '" + s + "': " + what + " at position " + pos);
    }

    JsonPath parsePath() {
        Root root;
        String variable = null;
        pos = 1;
        if (s.startsWith("$$")) {
            root = Root.CONTEXT;
            pos = 2;
        } else if (s.length() > 1 && isIdentStart(s.charAt(1))) {
            root = Root.VARIABLE;
            int start = pos;
            while (pos < s.length() && isIdentPart(s.charAt(pos))) {
                pos++;
            }
            variable = s.substring(start, pos);
        } else {
            root = Root.INPUT;
        }
        List<Step> steps = parseSteps(false);
        if (pos != s.length()) {
            throw error("unexpected '" + s.charAt(pos) + "'");
        }
        return new JsonPath(s, root, variable, List.copyOf(steps));
    }

    /** Parses steps until the end, or (inside a filter) until a character that cannot continue a path. */
    List<Step> parseSteps(boolean inFilter) {
        List<Step> steps = new ArrayList<>();
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '.') {
                if (pos + 1 < s.length() && s.charAt(pos + 1) == '.') {
                    pos += 2;
                    Step inner;
                    if (pos < s.length() && s.charAt(pos) == '[') {
                        inner = parseBracket();
                    } else if (pos < s.length() && s.charAt(pos) == '*') {
                        pos++;
                        inner = new Wildcard();
                    } else {
                        inner = new Name(parseDotName());
                    }
                    steps.add(new DeepScan(inner));
                    continue;
                }
                pos++;
                if (pos < s.length() && s.charAt(pos) == '*') {
                    pos++;
                    steps.add(new Wildcard());
                } else {
                    steps.add(new Name(parseDotName()));
                }
            } else if (c == '[') {
                steps.add(parseBracket());
            } else if (inFilter) {
                break;
            } else {
                throw error("unexpected '" + c + "'");
            }
        }
        return steps;
    }

    private String parseDotName() {
        int start = pos;
        // Step Functions accepts names with most characters; stop at the structural ones.
        while (pos < s.length() && ".[]()=!<>&| ,'\"".indexOf(s.charAt(pos)) < 0) {
            pos++;
        }
        if (pos == start) {
            throw error("empty name");
        }
        return s.substring(start, pos);
    }

    private Step parseBracket() {
        pos++; // [
        skipWs();
        if (pos >= s.length()) {
            throw error("unterminated '['");
        }
        char c = s.charAt(pos);
        Step step;
        if (c == '*') {
            pos++;
            step = new Wildcard();
        } else if (c == '\'' || c == '"') {
            List<String> names = new ArrayList<>();
            names.add(parseQuoted());
            skipWs();
            while (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                skipWs();
                names.add(parseQuoted());
                skipWs();
            }
            step = names.size() == 1 ? new Name(names.getFirst()) : new Union(List.of(), names);
        } else if (c == '?') {
            pos++;
            skipWs();
            expect('(');
            FilterExpr expr = parseOr();
            skipWs();
            expect(')');
            step = new Filter(expr);
        } else {
            Integer first = c == ':' ? null : parseInt();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ':') {
                pos++;
                skipWs();
                Integer end = pos < s.length() && s.charAt(pos) != ']' && s.charAt(pos) != ':' ? parseInt() : null;
                int stepBy = 1;
                if (pos < s.length() && s.charAt(pos) == ':') {
                    pos++;
                    stepBy = parseInt();
                    if (stepBy <= 0) {
                        throw error("slice step must be positive");
                    }
                }
                step = new Slice(first, end, stepBy);
            } else if (pos < s.length() && s.charAt(pos) == ',') {
                List<Integer> idx = new ArrayList<>();
                idx.add(first);
                while (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    skipWs();
                    idx.add(parseInt());
                    skipWs();
                }
                step = new Union(idx, List.of());
            } else {
                step = new Index(first);
            }
        }
        skipWs();
        expect(']');
        return step;
    }

    private void expect(char c) {
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipWs() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private int parseInt() {
        int start = pos;
        if (pos < s.length() && s.charAt(pos) == '-') {
            pos++;
        }
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        try {
            return Integer.parseInt(s.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("expected an integer");
        }
    }

    private String parseQuoted() {
        char q = s.charAt(pos);
        if (q != '\'' && q != '"') {
            throw error("expected a quoted name");
        }
        pos++;
        StringBuilder b = new StringBuilder();
        while (pos < s.length() && s.charAt(pos) != q) {
            char c = s.charAt(pos);
            if (c == '\\' && pos + 1 < s.length()) {
                pos++;
                c = s.charAt(pos);
            }
            b.append(c);
            pos++;
        }
        expect(q);
        return b.toString();
    }

    private FilterExpr parseOr() {
        return parseChain("||", this::parseAnd, true);
    }

    private FilterExpr parseAnd() {
        return parseChain("&&", this::parseUnary, false);
    }

    /** operand (op operand)*, left to right; any = true for ||, false for &&. */
    private FilterExpr parseChain(String op, Supplier<FilterExpr> operand, boolean any) {
        FilterExpr left = operand.get();
        skipWs();
        while (s.startsWith(op, pos)) {
            pos += op.length();
            FilterExpr l = left;
            FilterExpr r = operand.get();
            left = any ? n -> l.test(n) || r.test(n) : n -> l.test(n) && r.test(n);
            skipWs();
        }
        return left;
    }

    private FilterExpr parseUnary() {
        skipWs();
        if (pos < s.length() && s.charAt(pos) == '!' && !s.startsWith("!=", pos)) {
            pos++;
            FilterExpr inner = parseUnary();
            return n -> !inner.test(n);
        }
        if (pos < s.length() && s.charAt(pos) == '(') {
            pos++;
            FilterExpr inner = parseOr();
            skipWs();
            expect(')');
            return inner;
        }
        Operand left = parseOperand();
        skipWs();
        String op = null;
        for (String candidate : List.of("==", "!=", "<=", ">=", "<", ">")) {
            if (s.startsWith(candidate, pos)) {
                op = candidate;
                break;
            }
        }
        if (op == null) {
            return n -> left.value(n).map(v -> !v.isBoolean() || v.booleanValue()).orElse(false);
        }
        pos += op.length();
        skipWs();
        Operand right = parseOperand();
        String operator = op;
        return n -> {
            Optional<JsonNode> a = left.value(n);
            Optional<JsonNode> b = right.value(n);
            if (a.isEmpty() || b.isEmpty()) {
                // Jayway semantics: a missing value equals nothing, so only != holds.
                return operator.equals("!=");
            }
            return compare(a.get(), b.get(), operator);
        };
    }

    private Operand parseOperand() {
        skipWs();
        if (pos >= s.length()) {
            throw error("expected an operand");
        }
        char c = s.charAt(pos);
        if (c == '@') {
            pos++;
            List<Step> steps = parseSteps(true);
            JsonPath rel = new JsonPath("@", Root.INPUT, null, List.copyOf(steps));
            return n -> {
                if (rel.isDefinite()) {
                    try {
                        return Optional.of(rel.read(n, null, null));
                    } catch (PathNotFoundException e) {
                        return Optional.empty();
                    }
                }
                return Optional.of(rel.read(n, null, null));
            };
        }
        if (c == '\'' || c == '"') {
            JsonNode v = NF.textNode(parseQuoted());
            return n -> Optional.of(v);
        }
        if (s.startsWith("true", pos)) {
            pos += 4;
            return n -> Optional.of(NF.booleanNode(true));
        }
        if (s.startsWith("false", pos)) {
            pos += 5;
            return n -> Optional.of(NF.booleanNode(false));
        }
        if (s.startsWith("null", pos)) {
            pos += 4;
            return n -> Optional.of(NF.nullNode());
        }
        int start = pos;
        while (pos < s.length() && "-+.eE0123456789".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("unsupported filter operand");
        }
        try {
            JsonNode v = NF.numberNode(new BigDecimal(s.substring(start, pos)));
            return n -> Optional.of(v);
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    /** A filter operand: a literal or a relative path from @ (or absolute from $, evaluated against the item). */
    private interface Operand {
        Optional<JsonNode> value(JsonNode current);
    }

    /** Jayway's filter comparison: numbers and strings are ordered, anything else only (in)equal. */
    private static boolean compare(JsonNode a, JsonNode b, String op) {
        Integer c = a.isNumber() && b.isNumber() ? Integer.valueOf(a.decimalValue().compareTo(b.decimalValue()))
                : a.isTextual() && b.isTextual() ? Integer.valueOf(a.textValue().compareTo(b.textValue()))
                : null;
        if (c == null) {
            return switch (op) {
                case "==" -> a.equals(b);
                case "!=" -> !a.equals(b);
                default -> false;
            };
        }
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }
}
