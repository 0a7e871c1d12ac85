package dev.outrigger.bench.launch;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Heap and GC figures for the memory benchmark. Only read with {@code --mem}: the management beans load a few
 * hundred classes, which would distort a cold-start measurement.
 */
final class MemoryStats {
    private MemoryStats() {
    }

    static String read() {
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        long gcCount = 0;
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long maxHeap = Runtime.getRuntime().maxMemory();
        return "peak_heap_kb=" + peakHeap / 1024 + " max_heap_kb=" + maxHeap / 1024 + " gc_count=" + gcCount
                + " gc_ms=" + gcMs + " uptime_ms=" + uptimeMs;
    }
}
