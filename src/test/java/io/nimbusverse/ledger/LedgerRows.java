package io.nimbusverse.ledger;

import java.util.Optional;

/** Reads ledger lines in tests, straight from the file, without opening a second Ledger on it. */
public final class LedgerRows {

    private LedgerRows() {
    }

    public static Optional<LedgerEntry> parse(String line) {
        return LedgerCsv.parse(line, 12);
    }
}
