package dev.outrigger.asl;

import dev.outrigger.asl.Intrinsics.Call;
import dev.outrigger.asl.Intrinsics.Expr;
import dev.outrigger.asl.Intrinsics.Literal;
import dev.outrigger.asl.Intrinsics.PathArg;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * Parses an intrinsic function call ({@code States.Format('{}', $.a)}) into {@link Intrinsics.Call}, checking names,
 * nesting (10 deep at most) and arity as CreateStateMachine does.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
final class IntrinsicParser {
    private final String s;
    private int pos;

    private IntrinsicParser(String s) {
        this.s = s;
    }

    /** Parses an intrinsic call; throws IllegalArgumentException with a readable reason. */
    static Call parse(String text) {
        IntrinsicParser p = new IntrinsicParser(text);
        Expr e = p.call(0);
        p.ws();
        if (p.pos != text.length()) {
            throw new IllegalArgumentException("unexpected text after the call at position " + p.pos);
        }
        return (Call) e;
    }

    void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    Expr call(int depth) {
        if (depth > 10) {
            throw new IllegalArgumentException("intrinsic functions nest at most 10 deep");
        }
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
            pos++;
        }
        String name = s.substring(start, pos);
        if (!Intrinsics.NAMES.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not an intrinsic function");
        }
        ws();
        if (pos >= s.length() || s.charAt(pos) != '(') {
            throw new IllegalArgumentException("expected '(' after " + name);
        }
        pos++;
        List<Expr> args = new ArrayList<>();
        ws();
        if (pos < s.length() && s.charAt(pos) == ')') {
            pos++;
        } else {
            while (true) {
                ws();
                args.add(arg(depth));
                ws();
                if (pos >= s.length()) {
                    throw new IllegalArgumentException("missing ')' in " + name);
                }
                char c = s.charAt(pos++);
                if (c == ')') {
                    break;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected ',' or ')' at position " + (pos - 1));
                }
            }
        }
        Call call = new Call(name, List.copyOf(args));
        checkArity(call);
        return call;
    }

    Expr arg(int depth) {
        if (pos >= s.length()) {
            throw new IllegalArgumentException("missing argument");
        }
        char c = s.charAt(pos);
        if (c == '\'') {
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new IllegalArgumentException("unterminated string literal");
                }
                char ch = s.charAt(pos++);
                if (ch == '\'') {
                    break;
                }
                if (ch == '\\' && pos < s.length()) {
                    char esc = s.charAt(pos++);
                    b.append(esc == '{' ? Intrinsics.OPEN : esc == '}' ? Intrinsics.CLOSE : esc);
                } else {
                    b.append(ch);
                }
            }
            return new Literal(NF.textNode(b.toString()));
        }
        if (c == '$') {
            int start = pos;
            int depthBr = 0;
            char quote = 0;
            while (pos < s.length()) {
                char ch = s.charAt(pos);
                if (quote != 0) {
                    if (ch == quote) {
                        quote = 0;
                    }
                } else if (ch == '\'' || ch == '"') {
                    quote = ch;
                } else if (ch == '[' || ch == '(') {
                    depthBr++;
                } else if (ch == ']' || (ch == ')' && depthBr > 0)) {
                    depthBr--;
                } else if ((ch == ',' || ch == ')') && depthBr == 0) {
                    break;
                }
                pos++;
            }
            String path = s.substring(start, pos).trim();
            try {
                return new PathArg(JsonPath.parse(path));
            } catch (JsonPath.InvalidPathException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        if (s.startsWith("States.", pos)) {
            return call(depth + 1);
        }
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ')') {
            pos++;
        }
        String tok = s.substring(start, pos).trim();
        switch (tok) {
            case "true" -> {
                return new Literal(NF.booleanNode(true));
            }
            case "false" -> {
                return new Literal(NF.booleanNode(false));
            }
            case "null" -> {
                return new Literal(NF.nullNode());
            }
            default -> {
                try {
                    BigDecimal d = new BigDecimal(tok);
                    return new Literal(Intrinsics.numberNode(d));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + tok + "' is not a valid argument");
                }
            }
        }
    }

    private static void checkArity(Call c) {
        int n = c.args().size();
        String need = switch (c.name()) {
            case "States.Format" -> n >= 1 ? null : "at least 1";
            case "States.Array" -> null;
            case "States.UUID" -> n == 0 ? null : "0";
            case "States.StringToJson", "States.JsonToString", "States.ArrayLength", "States.ArrayUnique",
                 "States.Base64Encode", "States.Base64Decode" -> n == 1 ? null : "1";
            case "States.ArrayRange", "States.JsonMerge" -> n == 3 ? null : "3";
            case "States.MathRandom" -> n == 2 || n == 3 ? null : "2 or 3";
            default -> n == 2 ? null : "2";
        };
        if (need != null) {
            throw new IllegalArgumentException(c.name() + " takes " + need + " argument(s), got " + n);
        }
        if (c.name().equals("States.Format") && !(c.args().getFirst() instanceof Literal l && l.value().isTextual())) {
            throw new IllegalArgumentException("the first argument of States.Format must be a string literal");
        }
    }
}
