package dev.outrigger.schedule;

import dev.outrigger.testing.StandInDjango;
import dev.outrigger.testing.StandInDjango.Answer;
import java.net.URI;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Django's hook endpoint as the signed-call contract describes it, on the shared {@link StandInDjango} (which checks
 * every signature): treats a repeated job id as already done (409), runs each hook once. {@code failFirst} answers
 * 500 to that many calls; a hook in {@code missing} gets Django's 404.
 */
final class HookDjango implements AutoCloseable {
    record Call(String path, String jobId, String body, int status) {
    }

    final ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
    private final Set<String> done = Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger failFirst = new AtomicInteger();
    /** Hooks this Django does not have: answered 404 unknown_hook, as Django's hook endpoint does. */
    final Set<String> missing = Collections.synchronizedSet(new HashSet<>());
    private final StandInDjango django;

    HookDjango(String secret) {
        django = StandInDjango.start(secret, request -> {
            if (!request.route().startsWith("hooks/")) {
                return Answer.json(404, "{}");
            }
            String hook = request.route().substring("hooks/".length());
            if (missing.contains(hook)) {
                return Answer.json(404, "{\"error\": \"unknown_hook\", \"message\": \"no @outrigger_hook named '" + hook + "'\"}");
            }
            if (failFirst.getAndDecrement() > 0) {
                return Answer.json(500, "{\"error\": \"database is locked\"}");
            }
            if (!done.add(request.jobId())) {
                return Answer.json(409, "{}");
            }
            ran.add(request.jobId());
            return Answer.json(200, "{\"status\": \"done\", \"id\": \"" + request.jobId() + "\", \"result\": {\"cleared\": true}}");
        });
    }

    /** Every call so far, with the status it got (401 for a bad signature). */
    List<Call> calls() {
        return django.calls().stream()
                .map(c -> new Call(c.request().path(), c.request().jobId(), c.request().text(), c.status())).toList();
    }

    URI baseUrl() {
        return django.baseUrl();
    }

    @Override
    public void close() {
        django.close();
    }
}
