package io.nimbusverse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/** The most heap in use while it runs, sampled every 5 ms on a daemon thread. */
final class PeakHeap implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final Thread sampler;

    private PeakHeap() {
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
    }

    static PeakHeap sample() {
        PeakHeap heap = new PeakHeap();
        heap.sampler.start();
        return heap;
    }

    double mebibytes() {
        return peak.get() / 1048576.0;
    }

    @Override
    public void close() {
        sampler.interrupt();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }
}
