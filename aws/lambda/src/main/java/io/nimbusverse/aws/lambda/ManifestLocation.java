package io.nimbusverse.aws.lambda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a batch's SIGNAL manifest lies: {@code s3://<bucket>/signals/<batchId>.SIGNAL}. */
public record ManifestLocation(String bucket, String key) {

    private static final Pattern SIGNAL_KEY = Pattern.compile("signals/([0-9]{8}T[0-9]{6}Z-[0-9a-f]{6})\\.SIGNAL");

    public ManifestLocation {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("no bucket given for manifest " + key);
        }
        if (key == null || !SIGNAL_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a SIGNAL manifest key (signals/<batchId>.SIGNAL): " + key);
        }
    }

    /** Whether the key names a SIGNAL manifest, so an event for any other object can be passed over. */
    public static boolean isSignal(String key) {
        return key != null && SIGNAL_KEY.matcher(key).matches();
    }

    public String batchId() {
        Matcher m = SIGNAL_KEY.matcher(key);
        m.matches();
        return m.group(1);
    }

    /** Where the loader's answer for this batch goes. */
    public String completeKey() {
        return "signals/" + batchId() + ".COMPLETE";
    }
}
