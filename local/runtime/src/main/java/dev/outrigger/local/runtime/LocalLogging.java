package dev.outrigger.local.runtime;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * How the in-process functions log under {@code local up}: the runtime's own Log4j 2 configuration
 * ({@value #CONFIG}: Lambda's JSON lines on stdout, library chatter at WARN, no shutdown hook), whatever a function's
 * packaged log4j2 file says, and, in the console format, {@link ConsoleLines} between the functions and the terminal.
 * Log4j 2 comes with the functions (Powertools); it is called directly, not by reflection, because Log4j picks the
 * logger context from its caller's class loader and a reflective call is not the application's.
 */
public final class LocalLogging {
    public static final String CONFIG = "/outrigger-local-log4j2.xml";
    /**
     * Held strongly: Log4j keeps its contexts weakly until a logger holds one, and a context collected before the first
     * line is replaced by a fresh one on the default configuration (a function's packaged file).
     */
    private static volatile LoggerContext context;

    /** What `local up` prints: one line per job outcome and log event, or the functions' JSON as Lambda has it. */
    public enum Format {
        CONSOLE, JSON;

        public static Format parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--log-format: console or json, got '" + value + "'");
            }
        }
    }

    private LocalLogging() {
    }

    /**
     * Takes over the functions' logging. Call before the runtime starts. In the console format EMF metric lines go to
     * {@code metricsFile} (appended), not the terminal.
     */
    public static void use(Format format, Path metricsFile) {
        if (format == Format.CONSOLE) {
            PrintStream metrics;
            try {
                Files.createDirectories(metricsFile.toAbsolutePath().getParent());
                metrics = new PrintStream(new FileOutputStream(metricsFile.toFile(), true), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + metricsFile, e);
            }
            System.setOut(new ConsoleLines(System.out, metrics, ZoneId.systemDefault()).asPrintStream());
        }
        reconfigure(config());
    }

    /** Stops logging (flushes and closes appenders); the last thing `local up` does, after the runtime stopped. */
    public static void shutdown() {
        LogManager.shutdown();
    }

    static URI config() {
        try {
            return LocalLogging.class.getResource(CONFIG).toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(CONFIG, e);
        }
    }

    /**
     * Makes {@code config} the configuration: given before Log4j starts, it is the first one it reads (so the packaged
     * file never registers its shutdown hook); otherwise the running context is reconfigured.
     */
    static void reconfigure(URI config) {
        System.setProperty("log4j2.configurationFile", config.toString());
        // The runtime stops logging itself, last: Log4j's own hook would stop it while ElasticMQ still logs.
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        context = LoggerContext.getContext(false);
        if (!config.equals(context.getConfigLocation())) {
            Configurator.reconfigure(config);
        }
    }
}
