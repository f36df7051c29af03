package io.nimbusverse.intake;

import java.util.function.Predicate;

/**
 * Which instance takes each file of an inbox that several instances read: a file is taken only under its name's
 * lease, and only the instance that holds the lease reads, claims, batches, releases or moves that file.
 */
public interface InboxLeases {

    /** An inbox that this instance alone reads: every file is its own. */
    InboxLeases ALONE = new InboxLeases() {
        @Override
        public boolean take(String name) {
            return true;
        }

        @Override
        public void release(String name) {
            // nobody else asks for the name
        }

        @Override
        public void releaseWhere(Predicate<String> nothingLeft) {
            // no lease is kept
        }
    };

    /** Takes the name's lease: true when it is this instance's now (free, its own already, or its holder died). */
    boolean take(String name);

    /** Gives the name's lease up: its file left the inbox, and the next file under the name is anyone's. */
    void release(String name);

    /**
     * Gives up this instance's leases of the names it has nothing left of. A lease taken again meanwhile (its poll
     * met a new file under the name) is kept.
     */
    void releaseWhere(Predicate<String> nothingLeft);
}
