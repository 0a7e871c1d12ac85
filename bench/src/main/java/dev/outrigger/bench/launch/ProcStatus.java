package dev.outrigger.bench.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak and current resident set size of this process, from /proc/self/status (Linux); empty elsewhere. */
final class ProcStatus {
    private ProcStatus() {
    }

    static String read() {
        long hwm = -1;
        long rss = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                } else if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "hwm_kb=" + hwm + " rss_kb=" + rss;
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
