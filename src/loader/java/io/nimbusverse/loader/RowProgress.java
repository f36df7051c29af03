package io.nimbusverse.loader;

/**
 * Told as the rows of one item are worked through (converted, loaded), so that long work shows how far it has gone:
 * the app logs it every few seconds and exports it as metrics, and a stage that reports it is never taken for stalled.
 */
public interface RowProgress {

    /** Tells nothing: for code run where nobody watches (the Glue job logs its own way). */
    RowProgress NONE = new RowProgress() {
        @Override
        public void started(String item) {
        }

        @Override
        public void advanced(long rows, double fraction) {
        }

        @Override
        public void finished() {
        }
    };

    /** Work on one item begins. */
    void started(String item);

    /**
     * @param rows     rows of the item done so far
     * @param fraction how much of the item is done, from 0 to 1
     */
    void advanced(long rows, double fraction);

    /** The work on the item ended, done or failed. */
    void finished();
}
