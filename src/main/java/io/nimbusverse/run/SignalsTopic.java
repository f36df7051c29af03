package io.nimbusverse.run;

/**
 * The signals topic as the settings ask for it: its name, its partitions (how many instances take one stage's signals
 * at once) and how many copies of each signal the brokers keep.
 */
public record SignalsTopic(String name, int partitions, short replicationFactor) {
}
