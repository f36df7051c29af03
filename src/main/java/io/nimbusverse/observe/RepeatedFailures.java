package io.nimbusverse.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.cloud.S3Objects;
import io.nimbusverse.run.PermanentFailures;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of failures that repeat: a route that fails again and again (a poll every two seconds against a bucket
 * that is gone, a broker down for an hour) writes one line when a failure starts, naming the setting to look at, then
 * one line a window with the count, never a stack trace per attempt (those are at DEBUG). Every failure is counted in
 * {@code nimbus_failures_total{where, kind}}. Also the exception handler of the polling consumers, so that a poll
 * that fails is told the same way.
 */
public class RepeatedFailures implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger("io.nimbusverse.failures");

    private final Duration window;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    /** A failure reported by a route's error handler and then by its consumer is one failure. */
    private final Set<Throwable> told = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private volatile String firstPermanent;

    private static final class Tally {
        Instant windowStart;
        long repeats;
    }

    public RepeatedFailures(Duration window, Clock clock, MeterRegistry metrics) {
        this.window = window;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * A failure at {@code where} (a route id, a consumer): logged if it is the first of its kind in its window, counted
     * otherwise. Returns true when it was logged, so that an alert goes out once a window too.
     */
    public boolean failed(String where, Throwable failure) {
        if (failure == null || !told.add(failure)) {
            return false;
        }
        String permanent = PermanentFailures.reasonOf(failure);
        if (permanent != null && firstPermanent == null) {
            firstPermanent = where + ": " + permanent;
        }
        Counter.builder("nimbus.failures").description("Failures of a route or a poll, after their retries")
                .tag("where", where).tag("kind", permanent != null ? "permanent" : "transient")
                .register(metrics).increment();
        Throwable root = rootOf(failure);
        String key = where + '|' + root.getClass().getName();
        Instant now = clock.instant();
        Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
        long repeats;
        Instant since;
        synchronized (tally) {
            if (tally.windowStart != null && now.isBefore(tally.windowStart.plus(window))) {
                tally.repeats++;
                return false;
            }
            repeats = tally.repeats;
            since = tally.windowStart;
            tally.windowStart = now;
            tally.repeats = 0;
        }
        String what = permanent != null ? permanent : describe(root) + PermanentFailures.whereToLook(where, failure);
        if (repeats > 0) {
            LOG.error("{} failed {} times in the last {} s: {}", where, repeats + 1,
                    Duration.between(since, now).toSeconds(), what);
        } else {
            LOG.error("{} failed: {}", where, what);
        }
        LOG.debug("{} failed", where, failure);
        return true;
    }

    /** The first failure of the run that trying again cannot mend, with where it happened; null when none. */
    public String firstPermanent() {
        return firstPermanent;
    }

    @Override
    public void handleException(Throwable exception) {
        pollFailed("a poll", exception);
    }

    /** A consumer's poll failed: Camel's message names its endpoint ("Failed polling endpoint: uri. Will try..."). */
    @Override
    public void handleException(String message, Throwable exception) {
        pollFailed(endpointOf(message), exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        String route = exchange == null ? null : exchange.getFromRouteId();
        pollFailed(route != null ? route : endpointOf(message), exception);
    }

    /**
     * An object an S3 poll listed and found gone when it read it is no failure: the completion archived a SIGNAL
     * meanwhile, say. Camel's S3 consumer drops that poll; the next one lists again.
     */
    private void pollFailed(String where, Throwable failure) {
        if (S3Objects.isObjectGone(failure)) {
            LOG.debug("{}: an object listed was gone when read; the next poll lists again", where, failure);
        } else {
            failed(where, failure);
        }
    }

    private static String endpointOf(String message) {
        String prefix = "Failed polling endpoint: ";
        if (message == null || !message.startsWith(prefix)) {
            return message == null ? "a poll" : message;
        }
        String uri = message.substring(prefix.length());
        for (String end : List.of("?", ". Will try")) {
            if (uri.contains(end)) {
                uri = uri.substring(0, uri.indexOf(end));
            }
        }
        return "poll of " + uri;
    }

    private static Throwable rootOf(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String describe(Throwable root) {
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
