package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.PriorityQueue;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * One attempt of a Parallel or Map state: the nested machines run one after another, each on a forked clock that
 * starts when AWS would start it, so their virtual times overlap; the state's clock then stands at the latest end.
 * Each branch and iteration reads the outer variables and keeps what it assigns to itself.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 */
final class ParallelAndMap {
    private ParallelAndMap() {
    }

    /** The branches' outputs, in branch order. */
    static JsonNode parallel(Execution execution, State.Parallel p, Documents docs, Clock clock,
                             Execution.Scope scope, String where) {
        JsonNode effective = Paths.filter(p.name(), "InputPath", p.inputPath(), docs);
        JsonNode branchInput = p.parameters().isPresent() ? p.parameters().get().evaluate(docs.withInput(effective))
                : effective;
        List<AslDefinition.Machine> branches = p.branches();
        ArrayNode results = NF.arrayNode();
        Instant begin = clock.now();
        Instant end = begin;
        for (int i = 0; i < branches.size(); i++) {
            Clock branchClock = clock.fork(begin);
            results.add(execution.runMachine(branches.get(i), branchInput, branchClock, scope.child(),
                    prefix(where) + p.name() + "/Branches[" + i + "]"));
            if (branchClock.now().isAfter(end)) {
                end = branchClock.now();
            }
        }
        clock.set(end);
        return results;
    }

    /** The iterations' outputs, in item order; at most MaxConcurrency iterations overlap (0: no limit). */
    static JsonNode map(Execution execution, State.Map m, Documents docs, Clock clock, Execution.Scope scope,
                        String where) {
        JsonNode effective = Paths.filter(m.name(), "InputPath", m.inputPath(), docs);
        Documents at = docs.withInput(effective);
        JsonNode items = m.itemsPath().isPresent() ? Paths.read(m.name(), "ItemsPath", m.itemsPath().get(), at)
                : effective;
        if (!items.isArray()) {
            throw StatesError.runtime("state \"" + m.name() + "\": ItemsPath "
                    + m.itemsPath().map(JsonPath::text).orElse("$") + " must select a JSON array, got " + items);
        }
        int concurrency = m.maxConcurrency().map(c -> (int) Paths.count(m.name(), c, 0, at)).orElse(0);
        ArrayNode results = NF.arrayNode();
        Instant begin = clock.now();
        Instant end = begin;
        // When each running iteration ends; an iteration past the limit starts when the earliest one ends.
        PriorityQueue<Instant> running = new PriorityQueue<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            JsonNode itemInput = item;
            if (m.itemSelector().isPresent()) {
                ObjectNode itemContext = docs.context().deepCopy();
                ObjectNode itemNode = itemContext.putObject("Map").putObject("Item");
                itemNode.put("Index", i);
                itemNode.set("Value", item);
                itemInput = m.itemSelector().get().evaluate(at.withContext(itemContext));
            }
            Instant startAt = begin;
            if (concurrency > 0 && running.size() >= concurrency) {
                startAt = running.poll();
            }
            Clock itemClock = clock.fork(startAt);
            results.add(execution.runMachine(m.processor(), itemInput, itemClock, scope.child(),
                    prefix(where) + m.name() + "/Item[" + i + "]"));
            running.add(itemClock.now());
            if (itemClock.now().isAfter(end)) {
                end = itemClock.now();
            }
        }
        clock.set(end);
        return results;
    }

    private static String prefix(String where) {
        return where.isEmpty() ? "" : where + "/";
    }
}
