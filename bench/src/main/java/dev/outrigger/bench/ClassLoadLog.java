package dev.outrigger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes a JVM loaded, read from {@code -Xlog:class+load=info:file=…} ({@code [info][class,load] java.lang.Object
 * source: shared objects file}), counted by package group: deep enough to name the library a class came from
 * (log4j2's core and its JSON layout apart, the runtime client's shaded Jackson apart from the function's Jackson),
 * shallow enough that a table of them stays short.
 */
record ClassLoadLog(int total, int fromJars, Map<String, Integer> byGroup) {
    /** Package prefix → how many segments name its group; the longest matching prefix wins, else {@link #DEFAULT_DEPTH}. */
    private static final Map<String, Integer> DEPTH = new LinkedHashMap<>();
    private static final int DEFAULT_DEPTH = 3;

    static {
        DEPTH.put("java", 2);
        DEPTH.put("javax", 2);
        DEPTH.put("sun", 2);
        DEPTH.put("sun.security", 3);
        DEPTH.put("jdk", 2);
        DEPTH.put("jdk.internal", 3);
        DEPTH.put("com.sun.org.apache", 4);
        DEPTH.put("org.apache.logging.log4j", 5);
        DEPTH.put("com.fasterxml.jackson", 4);
        DEPTH.put("software.amazon.awssdk", 4);
        DEPTH.put("software.amazon.awssdk.services", 5);
        DEPTH.put("software.amazon.lambda.powertools", 5);
        DEPTH.put("com.amazonaws.services.lambda.runtime", 6);
        DEPTH.put("com.amazonaws.services.lambda.crac", 5);
        DEPTH.put("com.amazonaws.lambda.thirdparty", 6);
        DEPTH.put("dev.outrigger", 3);
        DEPTH.put("ch.qos.logback", 4);
    }

    static ClassLoadLog read(Path log) throws IOException {
        int total = 0;
        int fromJars = 0;
        Map<String, Integer> groups = new TreeMap<>();
        for (String line : Files.readAllLines(log)) {
            int tag = line.indexOf("[class,load] ");
            int source = line.indexOf(" source: ");
            if (tag < 0 || source < 0) {
                continue;
            }
            String className = line.substring(tag + "[class,load] ".length(), source).trim();
            total++;
            if (line.indexOf(".jar", source) > 0 || line.indexOf("source: file:", source) >= 0) {
                fromJars++;
            }
            groups.merge(group(className), 1, Integer::sum);
        }
        return new ClassLoadLog(total, fromJars, groups);
    }

    /** {@code org.apache.logging.log4j.core.config.xml.XmlConfiguration} → {@code org.apache.logging.log4j.core}. */
    static String group(String className) {
        int lastDot = className.lastIndexOf('.');
        String pkg = lastDot < 0 ? "(default package)" : className.substring(0, lastDot);
        // Lambdas and hidden classes carry their host's package.
        String[] parts = pkg.split("\\.");
        int depth = DEFAULT_DEPTH;
        int matched = -1;
        for (var e : DEPTH.entrySet()) {
            String prefix = e.getKey();
            if ((pkg.equals(prefix) || pkg.startsWith(prefix + ".")) && prefix.length() > matched) {
                matched = prefix.length();
                depth = e.getValue();
            }
        }
        return String.join(".", List.of(parts).subList(0, Math.min(depth, parts.length)));
    }
}
