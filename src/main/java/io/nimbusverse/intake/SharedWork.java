package io.nimbusverse.intake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The items' work folders as every instance of a cluster sees them: what one instance took and what a stage made of
 * an item are put where any instance can fetch them, so that any instance converts, uploads or completes any batch.
 * Signals carry only the batch id; the ledger tells which items a batch has.
 */
public interface SharedWork {

    /** One instance does all the work of its batches: each item's folder is its own. */
    SharedWork LOCAL = new SharedWork() {
        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public void put(Path itemDir, boolean withContent) {
            // no other instance reads it
        }

        @Override
        public boolean fetch(Path itemDir, String relative) {
            return false;
        }

        @Override
        public void delete(Map<Path, List<String>> filesByItemDir) {
            // nothing was put
        }
    };

    /** Whether other instances may take this instance's batches. */
    boolean shared();

    /**
     * Puts the files of an item's folder, its staged copy only when asked ({@code content/}, which does not change
     * once taken), {@value Batches#ITEM_FILE} last: once that is there, so is every file it names.
     */
    void put(Path itemDir, boolean withContent) throws IOException;

    /** Copies one file of an item's folder ({@code relative} to it) here; false when nobody put it. */
    boolean fetch(Path itemDir, String relative) throws IOException;

    /**
     * Deletes what was put of these files of items' folders (each {@code relative} to its folder), and of each
     * folder's {@value Batches#ITEM_FILE}, last: their batch is finished.
     */
    void delete(Map<Path, List<String>> filesByItemDir);
}
