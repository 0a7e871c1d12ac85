package dev.outrigger.local.executions;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints an execution as it goes: each state entered and left with its time since the start and how long it took,
 * then the verdict. The same lines for an execution in AWS and one in the in-JVM engine, so a pipeline step reads
 * the same on a laptop. The verdict's exit code: {@link #SUCCEEDED} 0, {@link #FAILED} 1 (FAILED, TIMED_OUT,
 * ABORTED), {@link #STILL_RUNNING} 3 when the watch ended first.
 */
public final class ExecutionProgress {
    public static final int SUCCEEDED = 0;
    public static final int FAILED = 1;
    public static final int STILL_RUNNING = 3;

    private final PrintWriter out;
    private final String what;
    private final boolean githubAnnotations;
    private Instant start;
    /** States entered and not yet left, in the order they were entered. */
    private final List<ExecutionEvent.Entered> open = new ArrayList<>();
    private ExecutionEvent.Entered lastEntered;

    /**
     * @param what              names the machine in the verdict, e.g. "deploy"
     * @param githubAnnotations also print the verdict as a GitHub Actions {@code ::error} annotation
     */
    public ExecutionProgress(PrintWriter out, String what, boolean githubAnnotations) {
        this.out = out;
        this.what = what;
        this.githubAnnotations = githubAnnotations;
    }

    /** The execution started (or was found already running) at startedAt; times are printed relative to it. */
    public void started(String executionArn, Instant startedAt) {
        this.start = startedAt;
        out.println("execution " + executionArn);
        out.flush();
    }

    public void event(ExecutionEvent e) {
        switch (e) {
            case ExecutionEvent.Entered entered -> {
                open.add(entered);
                lastEntered = entered;
                out.println(stamp(e.at()) + " entered " + e.state());
            }
            case ExecutionEvent.Exited exited -> {
                ExecutionEvent.Entered from = null;
                for (int i = 0; i < open.size(); i++) {
                    if (open.get(i).state().equals(exited.state())) {
                        from = open.remove(i);
                        break;
                    }
                }
                out.println(stamp(e.at()) + " left    " + e.state()
                        + (from == null ? "" : " after " + human(Duration.between(from.at(), e.at()))));
            }
        }
        out.flush();
    }

    /** The state the execution is in (or failed in): the last one entered and not left, else the last entered. */
    public String currentState() {
        ExecutionEvent.Entered e = open.isEmpty() ? lastEntered : open.getLast();
        return e == null ? null : e.state();
    }

    /** Prints the verdict of an execution that ended; returns the exit code. */
    public int ended(ExecutionState s, Instant endedAt) {
        String took = start == null || endedAt == null ? "" : " after " + human(Duration.between(start, endedAt));
        if (ExecutionState.SUCCEEDED.equals(s.status())) {
            out.println(what + " " + s.status() + took);
            out.flush();
            return SUCCEEDED;
        }
        String state = currentState();
        String headline = what + " " + s.status() + took + (state == null ? "" : " in state " + state);
        out.println(headline);
        out.println("  error: " + (s.error() == null ? "(none)" : s.error()));
        out.println("  cause: " + (s.cause() == null ? "(none)" : s.cause()));
        annotate(headline, (s.error() == null ? "" : s.error() + ": ") + (s.cause() == null ? "" : s.cause()));
        out.flush();
        return FAILED;
    }

    /**
     * The watch ended before the execution did: prints the state it is in and that it goes on; returns
     * {@link #STILL_RUNNING}.
     *
     * @param afterwards what the execution does now and how to stop it, one line each
     */
    public int stillRunning(Duration watched, List<String> afterwards) {
        String state = currentState();
        String headline = what + " still RUNNING after --timeout " + human(watched)
                + (state == null ? "" : " in state " + state
                + (open.isEmpty() ? "" : " (entered at " + offset(open.getLast().at()) + ")"));
        out.println(headline);
        afterwards.forEach(line -> out.println("  " + line));
        annotate(headline, String.join(" ", afterwards));
        out.flush();
        return STILL_RUNNING;
    }

    private void annotate(String title, String message) {
        if (githubAnnotations) {
            // https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-error-message
            out.println("::error title=" + escape(title).replace(":", "%3A").replace(",", "%2C") + "::" + escape(message));
        }
    }

    private static String escape(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private String stamp(Instant at) {
        return "  [" + offset(at) + "]";
    }

    /** The time since the start: +00:05:00.000. */
    private String offset(Instant at) {
        Duration d = start == null || at == null ? Duration.ZERO : Duration.between(start, at);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return String.format("+%02d:%02d:%02d.%03d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart());
    }

    /** 0.250s, 12.000s, 2m13.500s, 1h02m13s. */
    static String human(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toHours() > 0) {
            return String.format("%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
        if (d.toMinutes() > 0) {
            return String.format("%dm%02d.%03ds", d.toMinutes(), d.toSecondsPart(), d.toMillisPart());
        }
        return String.format("%d.%03ds", d.toSeconds(), d.toMillisPart());
    }
}
