package dev.outrigger.asl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a definition as Mermaid or Graphviz DOT. With an execution result, the states visited and the
 * transitions taken are highlighted, and a state that failed (or whose error a Catch handled) is marked red.
 */
public final class AslGraph {
    private AslGraph() {
    }

    private record Edge(String from, String to, String label) {
    }

    private record Node(String name, String type, String parent) {
    }

    private static final class Model {
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final List<Edge> edges = new ArrayList<>();
        final Map<String, List<String>> children = new LinkedHashMap<>();
        final Set<String> visited = new HashSet<>();
        final Set<String> failed = new HashSet<>();
        final Set<String> taken = new HashSet<>();
    }

    public static String mermaid(AslDefinition def, Optional<ExecutionResult> result) {
        Model m = model(def, result);
        StringBuilder b = new StringBuilder("flowchart TD\n");
        b.append("  __start((start)) --> ").append(id(def.machine().startAt())).append('\n');
        renderMermaidScope(b, m, "", "  ");
        int i = 1;
        List<Integer> takenIdx = new ArrayList<>();
        if (m.visited.contains(def.machine().startAt())) {
            takenIdx.add(0);
        }
        for (Edge e : m.edges) {
            b.append("  ").append(id(e.from())).append(e.label().isEmpty() ? " --> " : " -- \"" + esc(e.label())
                    + "\" --> ").append(e.to().equals("__end") ? "__end((end))" : id(e.to())).append('\n');
            if (m.taken.contains(e.from() + "->" + e.to())) {
                takenIdx.add(i);
            }
            i++;
        }
        b.append("  classDef visited fill:#d4edda,stroke:#28a745,stroke-width:2px\n");
        b.append("  classDef failed fill:#f8d7da,stroke:#dc3545,stroke-width:2px\n");
        for (String v : m.visited) {
            b.append("  class ").append(id(v)).append(m.failed.contains(v) ? " failed\n" : " visited\n");
        }
        for (int k : takenIdx) {
            b.append("  linkStyle ").append(k).append(" stroke:#28a745,stroke-width:3px\n");
        }
        return b.toString();
    }

    private static void renderMermaidScope(StringBuilder b, Model m, String parent, String indent) {
        for (String name : m.children.getOrDefault(parent, List.of())) {
            Node n = m.nodes.get(name);
            if (m.children.containsKey(name)) {
                b.append(indent).append("subgraph ").append(id(name)).append("_sub[\"").append(esc(name)).append(" (")
                        .append(n.type()).append(")\"]\n");
                b.append(indent).append("  ").append(id(name)).append(shape(n)).append('\n');
                renderMermaidScope(b, m, name, indent + "  ");
                b.append(indent).append("end\n");
            } else {
                b.append(indent).append(id(name)).append(shape(n)).append('\n');
            }
        }
    }

    private static String shape(Node n) {
        String label = esc(n.name()) + "<br/><i>" + n.type() + "</i>";
        return switch (n.type()) {
            case "Choice" -> "{\"" + label + "\"}";
            case "Succeed", "Fail" -> "([\"" + label + "\"])";
            default -> "[\"" + label + "\"]";
        };
    }

    public static String dot(AslDefinition def, Optional<ExecutionResult> result) {
        Model m = model(def, result);
        StringBuilder b = new StringBuilder("digraph \"" + escDot(def.sourceName()) + "\" {\n");
        b.append("  rankdir=TB;\n  node [shape=box, style=rounded];\n");
        b.append("  __start [shape=circle, label=\"start\"];\n  __end [shape=doublecircle, label=\"end\"];\n");
        renderDotScope(b, m, "", "  ");
        b.append("  __start -> \"").append(escDot(def.machine().startAt())).append('"')
                .append(m.visited.contains(def.machine().startAt()) ? " [color=\"#28a745\", penwidth=3]" : "")
                .append(";\n");
        for (Edge e : m.edges) {
            List<String> attrs = new ArrayList<>();
            if (!e.label().isEmpty()) {
                attrs.add("label=\"" + escDot(e.label()) + "\"");
            }
            if (m.taken.contains(e.from() + "->" + e.to())) {
                attrs.add("color=\"#28a745\"");
                attrs.add("penwidth=3");
            }
            b.append("  \"").append(escDot(e.from())).append("\" -> ")
                    .append(e.to().equals("__end") ? "__end" : "\"" + escDot(e.to()) + "\"")
                    .append(attrs.isEmpty() ? "" : " [" + String.join(", ", attrs) + "]").append(";\n");
        }
        b.append("}\n");
        return b.toString();
    }

    private static void renderDotScope(StringBuilder b, Model m, String parent, String indent) {
        for (String name : m.children.getOrDefault(parent, List.of())) {
            Node n = m.nodes.get(name);
            String style = m.failed.contains(name) ? ", style=\"rounded,filled\", fillcolor=\"#f8d7da\""
                    : m.visited.contains(name) ? ", style=\"rounded,filled\", fillcolor=\"#d4edda\"" : "";
            String shape = n.type().equals("Choice") ? ", shape=diamond" : "";
            b.append(indent).append('"').append(escDot(name)).append("\" [label=\"").append(escDot(name))
                    .append("\\n(").append(n.type()).append(")\"").append(shape).append(style).append("];\n");
            if (m.children.containsKey(name)) {
                b.append(indent).append("subgraph \"cluster_").append(escDot(name)).append("\" {\n");
                b.append(indent).append("  label=\"").append(escDot(name)).append("\";\n");
                renderDotScope(b, m, name, indent + "  ");
                b.append(indent).append("}\n");
            }
        }
    }

    private static Model model(AslDefinition def, Optional<ExecutionResult> result) {
        Model m = new Model();
        addMachine(m, def.machine(), "");
        result.ifPresent(r -> {
            for (HistoryEvent e : r.history()) {
                m.visited.add(e.stateName());
                if (e.error() != null) {
                    m.failed.add(e.stateName());
                }
                m.taken.add(e.stateName() + "->" + (e.next() == null ? "__end" : e.next()));
            }
        });
        return m;
    }

    private static void addMachine(Model m, AslDefinition.Machine machine, String parent) {
        for (State s : machine.states().values()) {
            String name = s.name();
            m.nodes.put(name, new Node(name, s.type(), parent));
            m.children.computeIfAbsent(parent, k -> new ArrayList<>()).add(name);
            if (parent.isEmpty() && s.terminal()) {
                m.edges.add(new Edge(name, "__end", ""));
            }
            for (State.Transition t : s.transitions()) {
                m.edges.add(new Edge(name, t.target(), t.label()));
            }
            switch (s) {
                case State.Parallel p -> p.branches().forEach(b -> addMachine(m, b, name));
                case State.Map map -> addMachine(m, map.processor(), name);
                default -> {
                }
            }
        }
    }

    private static String id(String name) {
        StringBuilder b = new StringBuilder("s_");
        for (char c : name.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "_" + (int) c + "_");
        }
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("\"", "#quot;");
    }

    private static String escDot(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
