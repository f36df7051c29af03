package io.nimbusverse.aws.glue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Glue job run's arguments: {@code --name value} pairs, the job's default arguments merged with the run's (the
 * Lambda's --batch-id, --bucket, --manifest-key) and Glue's own (--JOB_ID, --TempDir...), which are kept but unused.
 */
public final class JobArguments {

    private final Map<String, String> values;

    private JobArguments(Map<String, String> values) {
        this.values = values;
    }

    public static JobArguments parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an argument name (--name), found " + args[i]);
            }
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            values.put(args[i], hasValue ? args[++i] : "");
        }
        return new JobArguments(values);
    }

    public String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the job needs the argument " + name);
        }
        return value;
    }

    public String optional(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
