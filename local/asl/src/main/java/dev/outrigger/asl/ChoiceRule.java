package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Choice rule, parsed at load, and how it evaluates. A value of another type than the operator's makes a
 * comparison false; a {@code Variable} (or {@code …Path} operand) that is missing is States.Runtime, except for
 * {@code IsPresent}. https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
sealed interface ChoiceRule {
    boolean test(Documents docs);

    record And(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            for (ChoiceRule r : rules) {
                if (!r.test(docs)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            for (ChoiceRule r : rules) {
                if (r.test(docs)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            return !rule.test(docs);
        }
    }

    record IsPresent(JsonPath variable, boolean expected) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            try {
                variable.read(docs.input(), docs.context(), docs.variables());
                return expected;
            } catch (JsonPath.PathNotFoundException e) {
                return !expected;
            }
        }
    }

    /** IsNull, IsNumeric, IsString, IsBoolean, IsTimestamp. */
    record IsType(JsonPath variable, ValueType type, boolean expected) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            return type.test.test(read(variable, docs)) == expected;
        }
    }

    /** {@code *} matches any run of characters; {@code \*} and {@code \\} are a literal star and backslash. */
    record StringMatches(JsonPath variable, Pattern pattern) implements ChoiceRule {
        static Pattern compile(String pattern) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\\' && i + 1 < pattern.length()) {
                    re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else if (c == '*') {
                    re.append(".*");
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString(), Pattern.DOTALL);
        }

        @Override
        public boolean test(Documents docs) {
            JsonNode value = read(variable, docs);
            return value.isTextual() && pattern.matcher(value.textValue()).matches();
        }
    }

    /** StringEquals, NumericLessThanPath, TimestampGreaterThanEquals, BooleanEquals, … */
    record Comparison(JsonPath variable, Operator operator, Operand expected) implements ChoiceRule {
        @Override
        public boolean test(Documents docs) {
            JsonNode value = read(variable, docs);
            JsonNode other = switch (expected) {
                case Literal l -> l.value();
                case ReadFrom r -> read(r.path(), docs);
            };
            return operator.kind().holds(operator.comparator(), value, other);
        }
    }

    /** What a comparison compares with: a literal, or (for the …Path operators) a value read at run time. */
    sealed interface Operand {
    }

    record Literal(JsonNode value) implements Operand {
    }

    record ReadFrom(JsonPath path) implements Operand {
    }

    private static JsonNode read(JsonPath path, Documents docs) {
        try {
            return path.read(docs.input(), docs.context(), docs.variables());
        } catch (JsonPath.PathNotFoundException e) {
            throw StatesError.runtime("Invalid path '" + path.text()
                    + "': The choice state's condition path references an invalid value.");
        }
    }

    /** The comparison operators' prefixes, what a literal operand must be, and how two values compare. */
    enum Kind {
        STRING("String", "a string", JsonNode::isTextual),
        NUMERIC("Numeric", "a number", JsonNode::isNumber),
        TIMESTAMP("Timestamp", "an RFC 3339 timestamp", v -> v.isTextual() && AslDefinition.isTimestamp(v.textValue())),
        BOOLEAN("Boolean", "a boolean", JsonNode::isBoolean);

        final String prefix;
        /** What a literal operand must be, as messages say it. */
        final String literal;
        final Predicate<JsonNode> accepts;

        Kind(String prefix, String literal, Predicate<JsonNode> accepts) {
            this.prefix = prefix;
            this.literal = literal;
            this.accepts = accepts;
        }

        List<Comparator> comparators() {
            return this == BOOLEAN ? List.of(Comparator.EQUALS) : List.of(Comparator.values());
        }

        boolean holds(Comparator comparator, JsonNode a, JsonNode b) {
            if (!accepts.test(a) || !accepts.test(b)) {
                return false;
            }
            return switch (this) {
                case STRING -> comparator.holds(a.textValue().compareTo(b.textValue()));
                case NUMERIC -> comparator.holds(a.decimalValue().compareTo(b.decimalValue()));
                case TIMESTAMP -> comparator.holds(instant(a).compareTo(instant(b)));
                case BOOLEAN -> a.booleanValue() == b.booleanValue();
            };
        }

        private static Instant instant(JsonNode v) {
            return OffsetDateTime.parse(v.textValue()).toInstant();
        }
    }

    enum Comparator {
        EQUALS("Equals"), LESS_THAN("LessThan"), GREATER_THAN("GreaterThan"), LESS_THAN_EQUALS("LessThanEquals"),
        GREATER_THAN_EQUALS("GreaterThanEquals");

        final String suffix;

        Comparator(String suffix) {
            this.suffix = suffix;
        }

        boolean holds(int c) {
            return switch (this) {
                case EQUALS -> c == 0;
                case LESS_THAN -> c < 0;
                case GREATER_THAN -> c > 0;
                case LESS_THAN_EQUALS -> c <= 0;
                case GREATER_THAN_EQUALS -> c >= 0;
            };
        }
    }

    /**
     * A comparison operator as written: kind, comparator and whether the operand is a path.
     * NumericLessThanEqualsPath is (NUMERIC, LESS_THAN_EQUALS, true).
     */
    record Operator(Kind kind, Comparator comparator, boolean path) {
        String name() {
            return kind.prefix + comparator.suffix + (path ? "Path" : "");
        }

        static Optional<Operator> named(String name) {
            for (Kind k : Kind.values()) {
                for (Comparator c : k.comparators()) {
                    for (boolean path : new boolean[] {false, true}) {
                        Operator op = new Operator(k, c, path);
                        if (op.name().equals(name)) {
                            return Optional.of(op);
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** The IsNull … IsTimestamp tests. */
    enum ValueType {
        NULL("IsNull", JsonNode::isNull),
        NUMERIC("IsNumeric", JsonNode::isNumber),
        STRING("IsString", JsonNode::isTextual),
        BOOLEAN("IsBoolean", JsonNode::isBoolean),
        TIMESTAMP("IsTimestamp", Kind.TIMESTAMP.accepts);

        final String operator;
        final Predicate<JsonNode> test;

        ValueType(String operator, Predicate<JsonNode> test) {
            this.operator = operator;
            this.test = test;
        }

        static Optional<ValueType> named(String operator) {
            for (ValueType t : values()) {
                if (t.operator.equals(operator)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    String IS_PRESENT = "IsPresent";
    String STRING_MATCHES = "StringMatches";

    /** Every data-test operator a rule may use. */
    Set<String> OPERATORS = operators();

    private static Set<String> operators() {
        Set<String> ops = new HashSet<>(Set.of(IS_PRESENT, STRING_MATCHES));
        for (Kind k : Kind.values()) {
            for (Comparator c : k.comparators()) {
                ops.add(new Operator(k, c, false).name());
                ops.add(new Operator(k, c, true).name());
            }
        }
        for (ValueType t : ValueType.values()) {
            ops.add(t.operator);
        }
        return Set.copyOf(ops);
    }
}
