package io.nimbusverse.signal;

/** The stages a batch goes through, in order, as signalled on the Kafka topic. */
public enum SignalType {
    START_UPLOAD, CLOUD_UPLOAD, UPLOADED, COMPLETED, TIMED_OUT
}
