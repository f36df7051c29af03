package io.nimbusverse.run;

/** The result of a run-once run, handed from the running context to the main method (and to tests). */
public class RunOutcome {

    private volatile int exitCode;
    private volatile String summary = "";

    public int exitCode() {
        return exitCode;
    }

    public String summary() {
        return summary;
    }

    void finish(int code, String text) {
        this.summary = text;
        this.exitCode = code;
    }
}
