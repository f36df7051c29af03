package io.nimbusverse.ledger;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where an item stands. The pipeline stages move an item forward along CLAIMED, CONVERTED, UPLOADED, DONE;
 * the other statuses are final. REMOVED is the tombstone written when a claim is released.
 */
public enum ItemStatus {
    CLAIMED(1), CONVERTED(2), UPLOADED(3), DONE(4),
    DUPLICATE(-1), QUARANTINED(-1), FAILED(-1), REMOVED(-1);

    /** The statuses of an item still on its way through the stages. */
    public static final Set<ItemStatus> IN_FLIGHT = Collections.unmodifiableSet(EnumSet.of(CLAIMED, CONVERTED,
            UPLOADED));

    private final int stage;

    ItemStatus(int stage) {
        this.stage = stage;
    }

    /** True when an item in this status has gone through {@code other}, or ended. */
    public boolean reached(ItemStatus other) {
        return stage < 0 || stage >= other.stage;
    }

    public boolean isFinal() {
        return stage < 0 || this == DONE;
    }
}
