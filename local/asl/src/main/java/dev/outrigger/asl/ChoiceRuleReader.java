package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Choice state's rules into {@link ChoiceRule}s, checking them as CreateStateMachine does: one operator per
 * rule, operand types, Variable where it belongs, Next and Assign only at the top level.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
final class ChoiceRuleReader {
    private final FieldReader fields;

    ChoiceRuleReader(FieldReader fields) {
        this.fields = fields;
    }

    State.Choice choice(String name, JsonNode n, Paths.DataPath inputPath, Paths.DataPath outputPath,
                        PayloadTemplate.Assignments assign, Set<String> local) {
        JsonNode choices = n.get("Choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw fields.err(name, "Choices is required and must be a non-empty array");
        }
        List<State.Choice.Branch> branches = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            JsonNode rule = choices.get(i);
            String f = "Choices[" + i + "]";
            if (!rule.isObject()) {
                throw fields.err(name, f + " must be an object");
            }
            if (!rule.has("Next")) {
                throw fields.err(name, f + ".Next is required in a top-level choice rule");
            }
            String next = fields.target(name, f + ".Next", rule.get("Next"), local);
            PayloadTemplate.Assignments ruleAssign = fields.assign(name, f + ".Assign", rule.get("Assign"));
            branches.add(new State.Choice.Branch(rule(name, f, rule, true), next, ruleAssign));
        }
        Optional<String> defaultNext = n.has("Default")
                ? Optional.of(fields.target(name, "Default", n.get("Default"), local)) : Optional.empty();
        return new State.Choice(name, inputPath, List.copyOf(branches), defaultNext, outputPath, assign);
    }

    private ChoiceRule rule(String state, String f, JsonNode rule, boolean topLevel) {
        if (!rule.isObject()) {
            throw fields.err(state, f + " must be an object");
        }
        List<String> ops = new ArrayList<>();
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.equals("Next") || k.equals("Assign")) {
                if (!topLevel) {
                    throw fields.err(state, f + ": " + k + " is only allowed in a top-level choice rule");
                }
            } else if (k.equals("Comment") || k.equals("Variable")) {
                continue;
            } else if (k.equals("And") || k.equals("Or") || k.equals("Not") || ChoiceRule.OPERATORS.contains(k)) {
                ops.add(k);
            } else if (k.equals("Condition")) {
                throw fields.err(state, f + ": Condition belongs to the JSONata query language, which this engine "
                        + "does not support");
            } else {
                throw fields.err(state, f + ": unknown field \"" + k + "\"");
            }
        }
        if (ops.size() != 1) {
            throw fields.err(state, f + " must have exactly one comparison operator or And/Or/Not"
                    + (ops.isEmpty() ? "" : ", got " + String.join(", ", ops)));
        }
        String op = ops.getFirst();
        JsonNode v = rule.get(op);
        switch (op) {
            case "And", "Or" -> {
                if (rule.has("Variable")) {
                    throw fields.err(state, f + ": a Boolean " + op + " rule cannot have a Variable");
                }
                if (!v.isArray() || v.isEmpty()) {
                    throw fields.err(state, f + "." + op + " must be a non-empty array of rules");
                }
                List<ChoiceRule> rules = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    rules.add(rule(state, f + "." + op + "[" + i + "]", v.get(i), false));
                }
                return op.equals("And") ? new ChoiceRule.And(List.copyOf(rules)) : new ChoiceRule.Or(List.copyOf(rules));
            }
            case "Not" -> {
                if (rule.has("Variable")) {
                    throw fields.err(state, f + ": a Boolean Not rule cannot have a Variable");
                }
                return new ChoiceRule.Not(rule(state, f + ".Not", v, false));
            }
            default -> {
                return dataTest(state, f, rule, op, v);
            }
        }
    }

    /** A rule with a Variable and one operator. */
    private ChoiceRule dataTest(String state, String f, JsonNode rule, String op, JsonNode v) {
        if (!rule.has("Variable")) {
            throw fields.err(state, f + ".Variable is required with " + op);
        }
        JsonPath variable = fields.path(state, f + ".Variable", rule.get("Variable"), false);
        Optional<ChoiceRule.Operator> comparison = ChoiceRule.Operator.named(op);
        if (comparison.isPresent() && comparison.get().path()) {
            return new ChoiceRule.Comparison(variable, comparison.get(),
                    new ChoiceRule.ReadFrom(fields.path(state, f + "." + op, v, false)));
        }
        ChoiceRule.Kind operand = comparison.map(ChoiceRule.Operator::kind)
                .orElse(op.equals(ChoiceRule.STRING_MATCHES) ? ChoiceRule.Kind.STRING : ChoiceRule.Kind.BOOLEAN);
        if (!operand.accepts.test(v)) {
            throw fields.err(state, f + "." + op + " must be " + operand.literal + ", got " + v);
        }
        if (comparison.isPresent()) {
            return new ChoiceRule.Comparison(variable, comparison.get(), new ChoiceRule.Literal(v));
        }
        return switch (op) {
            case ChoiceRule.STRING_MATCHES -> new ChoiceRule.StringMatches(variable,
                    ChoiceRule.StringMatches.compile(v.textValue()));
            case ChoiceRule.IS_PRESENT -> new ChoiceRule.IsPresent(variable, v.booleanValue());
            default -> new ChoiceRule.IsType(variable, ChoiceRule.ValueType.named(op).orElseThrow(), v.booleanValue());
        };
    }
}
