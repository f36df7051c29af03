package io.nimbusverse.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an Error (out of memory, a stack overflow, a broken JVM) in a stage does: it is logged and counted, then the
 * process ends with exit code {@value #EXIT_CODE}, so that its supervisor (a run-once script, Docker's restart policy)
 * sees it, instead of a stage thread dying and the process going on without it. The ledger is written durably at
 * each step and the signals topic keeps what was not done: a restart resumes. Exceptions that kill a thread are
 * logged, never lost.
 *
 * <p>The application ends the process ({@link #endProcessOnError()}, from the main class); embedded in a test, it
 * logs and counts only.
 */
public class FatalErrors {

    public static final int EXIT_CODE = 3;
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    private static volatile boolean endProcess;

    private final Counter fatal;

    public FatalErrors(MeterRegistry metrics) {
        this.fatal = Counter.builder("nimbus.fatal.errors")
                .description("Errors (out of memory, stack overflow) that ended, or would have ended, the process")
                .register(metrics);
    }

    /** From the main class: an Error ends the process, and a thread that dies of anything is logged. */
    public static void endProcessOnError() {
        endProcess = true;
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (failure instanceof Error error) {
                end(thread.getName(), error);
            } else {
                LOG.error("Thread {} died: {}", thread.getName(), failure.getMessage(), failure);
            }
        });
    }

    /** Called by the error handler of the routes (errors.yaml) with the exchange's exception. */
    public void failed(Throwable failure) {
        fatal.increment();
        Throwable error = failure;
        while (!(error instanceof Error) && error.getCause() != null && error.getCause() != error) {
            error = error.getCause();
        }
        end(Thread.currentThread().getName(), error);
    }

    private static void end(String thread, Throwable error) {
        LOG.error("FATAL: {} in thread {}: {}. The process ends with exit code {}; a restart resumes where it "
                + "stopped.", error.getClass().getName(), thread, error.getMessage(), EXIT_CODE, error);
        if (endProcess) {
            // the logs reach their files before the JVM goes; shutdown hooks might not run with the heap exhausted
            LogManager.shutdown();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
