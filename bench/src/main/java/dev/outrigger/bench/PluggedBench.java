package dev.outrigger.bench;

/**
 * Runs a section that depends on a module other engineers are still building (the local runtime, the ASL engine),
 * by name, so one missing or broken piece costs a row of the table, not the whole run.
 */
final class PluggedBench {
    private PluggedBench() {
    }

    static void run(String className, BenchMain bench) {
        String section = className.substring(className.lastIndexOf('.') + 1).replace("Bench", "").toLowerCase(java.util.Locale.ROOT);
        try {
            Class.forName(className).getMethod("run", BenchMain.class).invoke(null, bench);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            BenchMain.progress(section + " skipped: " + cause);
            bench.table.add(section, "(not measured)", Double.NaN, "", Double.NaN, "", "unavailable: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage().lines().findFirst().orElse("")));
        }
    }
}
