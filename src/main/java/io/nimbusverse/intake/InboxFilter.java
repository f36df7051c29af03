package io.nimbusverse.intake;

import java.io.File;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.nimbusverse.names.FileNames;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which inbox entries the consumer takes: files in the inbox and its sub-folders, but not the names of files still
 * being written (temporary and hidden names, {@code nimbus.intake.ignore-names}) nor what a folder of such a name
 * holds. Each entry passed over is logged once, with why.
 */
public class InboxFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFilter.class);
    /** Entries remembered as logged; beyond that the oldest is forgotten (and would be logged again). */
    private static final int REMEMBERED = 10_000;

    private final Pattern ignoredNames;
    private final Set<String> logged = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    /** @param ignoredNames a regular expression over the whole file name (case-insensitive) */
    public InboxFilter(String ignoredNames) {
        this.ignoredNames = Pattern.compile(ignoredNames, Pattern.CASE_INSENSITIVE);
    }

    /** Whether a file of this name is passed over until it is renamed. */
    public boolean ignores(String name) {
        return ignoredNames.matcher(name).matches();
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory() && file.getFileName().equals(LandingObjects.LANDING_FOLDER)) {
            return false;
        }
        if (file.isDirectory() && ignores(file.getFileNameOnly())) {
            once(file.getFileName(), "a folder of a temporary or hidden name (nimbus.intake.ignore-names): its files "
                    + "are taken once it is renamed");
            return false;
        }
        if (file.isDirectory()) {
            return true;
        }
        if (ignores(file.getFileNameOnly())) {
            once(file.getFileName(), "a temporary or hidden name (nimbus.intake.ignore-names): taken once it is "
                    + "renamed");
            return false;
        }
        return true;
    }

    private synchronized void once(String name, String why) {
        if (logged.add(name)) {
            LOG.info("Inbox entry {} is passed over: {}", FileNames.printable(name), why);
        }
    }
}
