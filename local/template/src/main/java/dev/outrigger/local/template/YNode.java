package dev.outrigger.local.template;

import java.util.List;
import java.util.Map;

/**
 * The template as parsed: YAML with CloudFormation short-form tags turned into their long form
 * ({@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}), and every
 * node remembering its 1-based line so errors can point at it.
 */
public sealed interface YNode {
    int line();

    record YMap(Map<String, YNode> entries, int line) implements YNode {
        public YNode get(String key) {
            return entries.get(key);
        }
    }

    record YList(List<YNode> items, int line) implements YNode {
    }

    /** value is a String, Long, Double, Boolean or null. */
    record YScalar(Object value, int line) implements YNode {
    }
}
