package dev.outrigger.tests.statemachines;

import dev.outrigger.asl.AslDefinition;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ${Key} in each state machine definition has a DefinitionSubstitutions key in template.yaml and every key is
 * used: a missing key fails the deploy, an unused one hides a typo. The definitions also load in the engine.
 */
class DefinitionSubstitutionsTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    /** Reads CloudFormation short-form tags (!Ref, !Sub, !GetAtt…) as their plain values. */
    static final class CfnTolerantConstructor extends SafeConstructor {
        CfnTolerantConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode s) {
                        return constructScalar(s);
                    }
                    if (node instanceof SequenceNode q) {
                        return constructSequence(q);
                    }
                    return constructMapping((MappingNode) node);
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> substitutionKeysByDefinition() {
        Map<String, Object> template = new Yaml(new CfnTolerantConstructor()).load(Machines.text("template.yaml"));
        Map<String, Set<String>> out = new TreeMap<>();
        ((Map<String, Object>) template.get("Resources")).forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if ("AWS::Serverless::StateMachine".equals(resource.get("Type"))) {
                Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
                Map<String, Object> subs = (Map<String, Object>) props.getOrDefault("DefinitionSubstitutions", Map.of());
                out.put((String) props.get("DefinitionUri"), new TreeSet<>(subs.keySet()));
            }
        });
        return out;
    }

    private static Set<String> placeholders(String definition) {
        Set<String> keys = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(definition);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void bothMachinesAreInTheTemplate() {
        assertThat(substitutionKeysByDefinition()).containsKeys("statemachines/deploy.asl.json", "statemachines/cutover.asl.json");
    }

    @Test
    void everyPlaceholderHasASubstitution_andEverySubstitutionIsUsed() {
        substitutionKeysByDefinition().forEach((uri, keys) -> {
            Set<String> used = placeholders(Machines.text(uri));
            assertThat(used).as("${…} in %s without a DefinitionSubstitutions key", uri).isSubsetOf(keys);
            assertThat(keys).as("DefinitionSubstitutions keys of %s that it never uses", uri).isSubsetOf(used);
        });
    }

    @Test
    void definitionsLoadInTheEngine_withTheTemplatesLocalSubstitutions() {
        for (String[] m : new String[][]{{"deploy", "DeployStateMachine"}, {"cutover", "CutoverStateMachine"}}) {
            String source = "statemachines/" + m[0] + ".asl.json";
            String substituted = dev.outrigger.asl.SfnRunner.substitute(Machines.text(source), Machines.substitutions(m[1]), source);
            assertThat(placeholders(substituted)).isEmpty();
            assertThat(AslDefinition.parse(substituted, source)).isNotNull();
        }
    }
}
