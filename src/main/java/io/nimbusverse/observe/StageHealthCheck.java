package io.nimbusverse.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** One stage's health in {@code /observe/health}: DOWN while the stage is stalled ({@link StageHealth}). */
public class StageHealthCheck extends AbstractHealthCheck {

    private final StageHealth health;
    private final StageHealth.Stage stage;

    public StageHealthCheck(StageHealth health, StageHealth.Stage stage) {
        super("nimbus", "stage-" + stage.label());
        this.health = health;
        this.stage = stage;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        health.stalled(stage).ifPresentOrElse(reason -> builder.down().message(reason), builder::up);
    }
}
