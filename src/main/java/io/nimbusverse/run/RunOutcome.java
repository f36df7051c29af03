package io.nimbusverse.run;

/** The exit code of a run-once run, handed from the running context to the main method. */
public class RunOutcome {

    private volatile int exitCode;

    public int exitCode() {
        return exitCode;
    }

    void exitWith(int code) {
        this.exitCode = code;
    }
}
