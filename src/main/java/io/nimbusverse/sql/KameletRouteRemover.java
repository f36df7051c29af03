package io.nimbusverse.sql;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.Kamelet;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the routes a Kamelet made for a route when that route is removed. A hot reload of routes/sql-tables.yaml
 * removes the tables' routes and adds them again, but Camel leaves the Kamelet routes behind (they come from the
 * templates of another file); their SQL consumers would still poll, and the new ones could not start beside them.
 */
public class KameletRouteRemover extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(KameletRouteRemover.class);

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteRemovedEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        Route removed = ((CamelEvent.RouteRemovedEvent) event).getRoute();
        CamelContext context = removed.getCamelContext();
        ModelCamelContext model = (ModelCamelContext) context;
        List<String> orphans = model.getRouteDefinitions().stream()
                .filter(definition -> definition.getTemplateParameters() != null && removed.getRouteId()
                        .equals(String.valueOf(definition.getTemplateParameters().get(Kamelet.PARENT_ROUTE_ID))))
                .map(RouteDefinition::getRouteId)
                .toList();
        for (String orphan : orphans) {
            context.getRouteController().stopRoute(orphan);
            context.removeRoute(orphan);
            LOG.debug("Removed {}, made by a Kamelet for {}", orphan, removed.getRouteId());
        }
    }
}
