package io.nimbusverse.sql;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.notify.MilestoneMails;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.spi.RouteIdAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed poll of a table means. A database out of reach is an outage: logged, and the consumer backs off
 * (backoffMultiplier) and comes back by itself. Anything else (the table is gone, a column the query needs is
 * gone) is a fault of that table: a clear error in the log, a FAILED ledger row {@code source:<table>} and an alert
 * e-mail, once until the table reads again. Either way the other tables keep flowing. Each is logged once, not
 * at every poll; the consumer's own report of a failed poll goes to DEBUG (the exception handler of the table
 * routes).
 */
public class SqlPollStrategy implements PollingConsumerPollStrategy, CamelContextAware {

    /** What a failed table's alert e-mail is made of. */
    public record SourceFailure(String table, String error) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SqlPollStrategy.class);

    private final Ledger ledger;
    private final SqlPositions positions;
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final Set<String> readThrough = ConcurrentHashMap.newKeySet();
    private CamelContext camelContext;

    public SqlPollStrategy(Ledger ledger, SqlPositions positions) {
        this.ledger = ledger;
        this.positions = positions;
    }

    /** Before a poll reads past it, the move a crash or a stop left pending for its table is settled. */
    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        String table = tableOf(consumer);
        try {
            positions.resolvePending(table);
        } catch (IOException | SQLException e) {
            throw new RuntimeCamelException("Cannot settle the pending move of " + table, e);
        }
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        String table = tableOf(consumer);
        // a poll's chunks are claimed before its commit: an empty poll means every row so far is claimed
        if (polledMessages == 0) {
            readThrough.add(table);
        } else {
            readThrough.remove(table);
        }
        if (unreachable.remove(table)) {
            LOG.info("{}: the database is back", table);
        }
        if (failing.remove(table) != null) {
            LOG.info("{} reads again", table);
            ledger.record(LedgerEntry.claimed("source:" + table, "mysql", table, 0)
                    .withStatus(ItemStatus.DONE, "reads again"));
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        String table = tableOf(consumer);
        String error = rootMessage(cause);
        if (isOutage(cause)) {
            if (unreachable.add(table)) {
                LOG.warn("{}: the database cannot be reached ({}); backing off, polling again until it is back",
                        table, error);
            }
            return false;
        }
        // the same fault again, in words that may differ (a connection id): one alert until the table reads
        if (!faultOf(cause).equals(failing.put(table, faultOf(cause)))) {
            LOG.error("{} cannot be read: {}. The other tables go on; this one is polled again until it reads.",
                    table, error);
            ledger.record(LedgerEntry.claimed("source:" + table, "mysql", table, 0)
                    .withStatus(ItemStatus.FAILED, error));
            camelContext.createFluentProducerTemplate().to("direct:mail")
                    .withHeader(MilestoneMails.HEADER, "SOURCE_FAILED")
                    .withBody(new SourceFailure(table, error))
                    .asyncSend();
        }
        return false;
    }

    /**
     * Whether every table has been read as far as it goes: its last poll found no new row, or failed (a fault or an
     * outage, reported on their own). The run-once mode waits for it, as it waits for the inbox to be read.
     */
    public boolean everyTableReadThrough() {
        return ((ModelCamelContext) camelContext).getRouteDefinitions().stream()
                .map(RouteDefinition::getTemplateParameters)
                .filter(parameters -> parameters != null && parameters.containsKey("table"))
                .map(parameters -> String.valueOf(parameters.get("table")))
                .allMatch(table -> readThrough.contains(table) || failing.containsKey(table)
                        || unreachable.contains(table));
    }

    static boolean isOutage(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException
                    || t instanceof org.springframework.dao.TransientDataAccessException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** What tells two faults apart: the SQL state and vendor code of the database's error, else its message. */
    private static String faultOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState() + "/" + sql.getErrorCode();
            }
        }
        return rootMessage(cause);
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).replace('\n', ' ');
    }

    /** The table parameter of the route template (Kamelet) the consumer's route was made from. */
    private String tableOf(Consumer consumer) {
        String routeId = consumer instanceof RouteIdAware aware ? aware.getRouteId() : null;
        RouteDefinition route = routeId == null ? null : ((ModelCamelContext) camelContext).getRouteDefinition(routeId);
        Object table = route == null || route.getTemplateParameters() == null ? null
                : route.getTemplateParameters().get("table");
        return String.valueOf(table != null ? table : routeId);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
