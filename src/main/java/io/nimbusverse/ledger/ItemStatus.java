package io.nimbusverse.ledger;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where an item stands. The pipeline stages move an item forward along CLAIMED, CONVERTED, UPLOADED, DONE;
 * the other statuses are final. REMOVED is the tombstone written when a claim is released. REQUEUED is written by a
 * replay or a reload (the console, the CLI): the item's file is back in the inbox, and its bytes are taken again
 * instead of being a duplicate; the claim that follows starts the item's next pass.
 */
public enum ItemStatus {
    CLAIMED(1), CONVERTED(2), UPLOADED(3), DONE(4),
    DUPLICATE(-1), QUARANTINED(-1), FAILED(-1), REMOVED(-1), REQUEUED(-1);

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

    /** Whether a claim of the key is free to take: none made yet, or this status released it. */
    public boolean releasesClaim() {
        return this == REMOVED || this == REQUEUED;
    }

    public boolean isFinal() {
        return stage < 0 || this == DONE;
    }
}
