package dev.outrigger.local.schedules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer and parser for the Python literals a Celery beat schedule is written in: dict, list, tuple, set,
 * str (quotes, triple quotes, r/u/b prefixes, adjacent concatenation), int, float, True/False/None, calls
 * {@code name(args, kw=value)}, and {@code *} {@code +} {@code -} on numbers ({@code 60 * 5}). JSON is accepted
 * too (true/false/null). Anything else (a variable, a comprehension) is an error naming the line.
 * Values come back as Java: Map, List, String, Long, Double, Boolean, null, {@link Call}, {@link Name}.
 */
final class PyLiteral {

    /** A call such as crontab(minute=0, hour=3). */
    record Call(String name, List<Object> args, Map<String, Object> kwargs, int line) {
    }

    /** A bare identifier used as a value (resolved by the caller, e.g. CELERY_TIMEZONE = TIME_ZONE). */
    record Name(String name, int line) {
    }

    enum T { NAME, STRING, NUMBER, OP, EOF }

    record Token(T type, String text, Object value, int line) {
    }

    static final class SyntaxError extends IllegalArgumentException {
        final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private final List<Token> tokens;
    private int pos;

    private PyLiteral(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Token> tokenize(String src) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c) || c == '\\' && i + 1 < n && src.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '#') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (isStringStart(src, i)) {
                int startLine = line;
                boolean raw = false;
                while (Character.isLetter(src.charAt(i))) {
                    raw |= Character.toLowerCase(src.charAt(i)) == 'r';
                    i++;
                }
                char q = src.charAt(i);
                boolean triple = src.startsWith(String.valueOf(q).repeat(3), i);
                i += triple ? 3 : 1;
                StringBuilder sb = new StringBuilder();
                while (true) {
                    if (i >= n) {
                        throw new SyntaxError(startLine, "unterminated string");
                    }
                    char d = src.charAt(i);
                    if (triple ? src.startsWith(String.valueOf(q).repeat(3), i) : d == q) {
                        i += triple ? 3 : 1;
                        break;
                    }
                    if (d == '\n') {
                        if (!triple) {
                            throw new SyntaxError(startLine, "unterminated string");
                        }
                        line++;
                    }
                    if (d == '\\' && !raw && i + 1 < n) {
                        char e = src.charAt(++i);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'u' -> {
                                sb.append((char) Integer.parseInt(src.substring(i + 1, i + 5), 16));
                                i += 4;
                            }
                            case '\n' -> line++;
                            default -> sb.append(e);
                        }
                        i++;
                        continue;
                    }
                    sb.append(d);
                    i++;
                }
                out.add(new Token(T.STRING, sb.toString(), sb.toString(), startLine));
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(src.charAt(i + 1))) {
                int s = i;
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '.' || src.charAt(i) == '_'
                        || (src.charAt(i) == '-' || src.charAt(i) == '+') && Character.toLowerCase(src.charAt(i - 1)) == 'e'
                        && !src.substring(s, i).toLowerCase().startsWith("0x"))) {
                    i++;
                }
                String text = src.substring(s, i).replace("_", "");
                Object v;
                try {
                    v = text.matches("[0-9]+") ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new SyntaxError(line, "'" + text + "' is not a number");
                }
                out.add(new Token(T.NUMBER, text, v, line));
            } else if (Character.isJavaIdentifierStart(c)) {
                int s = i;
                while (i < n && (Character.isJavaIdentifierPart(src.charAt(i)) || src.charAt(i) == '.'
                        && i + 1 < n && Character.isJavaIdentifierStart(src.charAt(i + 1)))) {
                    i++;
                }
                String text = src.substring(s, i);
                out.add(new Token(T.NAME, text, text, line));
            } else {
                String two = i + 1 < n ? src.substring(i, i + 2) : "";
                if (two.equals("**") || two.equals("==") || two.equals("!=") || two.equals("<=") || two.equals(">=")) {
                    out.add(new Token(T.OP, two, two, line));
                    i += 2;
                } else {
                    out.add(new Token(T.OP, String.valueOf(c), String.valueOf(c), line));
                    i++;
                }
            }
        }
        out.add(new Token(T.EOF, "", null, line));
        return out;
    }

    private static boolean isStringStart(String src, int i) {
        int j = i;
        while (j < src.length() && j - i < 2 && "rRuUbBfF".indexOf(src.charAt(j)) >= 0) {
            j++;
        }
        if (j < src.length() && (src.charAt(j) == '\'' || src.charAt(j) == '"')) {
            // A prefix must not be the tail of a longer name (e.g. "for'"), and f-strings are not literals.
            boolean fString = src.substring(i, j).toLowerCase().contains("f");
            if (fString) {
                return false;
            }
            return true;
        }
        return false;
    }

    /** Parses the value starting at token index {@code start}; returns it and the index after it. */
    static Object valueAt(List<Token> tokens, int start, int[] end) {
        PyLiteral p = new PyLiteral(tokens);
        p.pos = start;
        Object v = p.expr();
        end[0] = p.pos;
        return v;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private boolean op(String s) {
        if (peek().type() == T.OP && peek().text().equals(s)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String s) {
        if (!op(s)) {
            Token t = peek();
            throw new SyntaxError(t.line(), "expected '" + s + "' but found " + (t.type() == T.EOF ? "end of file" : "'" + t.text() + "'"));
        }
    }

    private Object expr() {
        Object left = term();
        while (peek().type() == T.OP && (peek().text().equals("+") || peek().text().equals("-"))) {
            Token o = next();
            Object right = term();
            left = arith(left, right, o);
        }
        return left;
    }

    private Object term() {
        Object left = unary();
        while (peek().type() == T.OP && peek().text().equals("*")) {
            Token o = next();
            Object right = unary();
            left = arith(left, right, o);
        }
        return left;
    }

    private Object arith(Object a, Object b, Token o) {
        if (a instanceof String sa && b instanceof String sb && o.text().equals("+")) {
            return sa + sb;
        }
        if (!(a instanceof Number na) || !(b instanceof Number nb)) {
            throw new SyntaxError(o.line(), "'" + o.text() + "' is only supported between numbers here");
        }
        if (a instanceof Long la && b instanceof Long lb) {
            return switch (o.text()) {
                case "+" -> la + lb;
                case "-" -> la - lb;
                default -> la * lb;
            };
        }
        double x = na.doubleValue();
        double y = nb.doubleValue();
        return switch (o.text()) {
            case "+" -> x + y;
            case "-" -> x - y;
            default -> x * y;
        };
    }

    private Object unary() {
        if (op("-")) {
            Object v = unary();
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            throw new SyntaxError(peek().line(), "'-' before a non-number");
        }
        return atom();
    }

    private Object atom() {
        Token t = next();
        switch (t.type()) {
            case STRING -> {
                StringBuilder sb = new StringBuilder((String) t.value());
                while (peek().type() == T.STRING) {
                    sb.append((String) next().value());
                }
                return sb.toString();
            }
            case NUMBER -> {
                return t.value();
            }
            case NAME -> {
                switch (t.text()) {
                    case "True", "true" -> {
                        return Boolean.TRUE;
                    }
                    case "False", "false" -> {
                        return Boolean.FALSE;
                    }
                    case "None", "null" -> {
                        return null;
                    }
                    default -> {
                    }
                }
                if (op("(")) {
                    List<Object> args = new ArrayList<>();
                    Map<String, Object> kwargs = new LinkedHashMap<>();
                    while (!op(")")) {
                        if (peek().type() == T.NAME && tokens.get(pos + 1).text().equals("=")) {
                            String k = next().text();
                            pos++;
                            kwargs.put(k, expr());
                        } else {
                            args.add(expr());
                        }
                        if (!op(",")) {
                            expect(")");
                            break;
                        }
                    }
                    return new Call(t.text(), args, kwargs, t.line());
                }
                return new Name(t.text(), t.line());
            }
            case OP -> {
                switch (t.text()) {
                    case "{" -> {
                        Map<Object, Object> m = new LinkedHashMap<>();
                        List<Object> set = new ArrayList<>();
                        boolean isSet = false;
                        while (!op("}")) {
                            Object k = expr();
                            if (op(":")) {
                                if (k instanceof List<?> || k instanceof Map<?, ?>) {
                                    throw new SyntaxError(t.line(), "unhashable dict key");
                                }
                                m.put(k, expr());
                            } else {
                                isSet = true;
                                set.add(k);
                            }
                            if (!op(",")) {
                                expect("}");
                                break;
                            }
                        }
                        return isSet ? set : m;
                    }
                    case "[", "(" -> {
                        String close = t.text().equals("[") ? "]" : ")";
                        List<Object> l = new ArrayList<>();
                        boolean comma = false;
                        while (!op(close)) {
                            l.add(expr());
                            if (!op(",")) {
                                expect(close);
                                break;
                            }
                            comma = true;
                        }
                        // (x) is just x; (x,) and [x] are sequences.
                        if (close.equals(")") && l.size() == 1 && !comma) {
                            return l.getFirst();
                        }
                        return l;
                    }
                    default -> {
                    }
                }
                throw new SyntaxError(t.line(), "unexpected '" + t.text() + "'");
            }
            default -> throw new SyntaxError(t.line(), "unexpected end of file");
        }
    }
}
