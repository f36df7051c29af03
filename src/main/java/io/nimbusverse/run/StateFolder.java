package io.nimbusverse.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder of all state (ledger, work copies, quarantine, the embedded servers' data and databases) is readable by
 * its owner only: other users of the machine must not read the data or the ledger, nor reach the databases' files.
 */
public final class StateFolder {

    private static final Logger LOG = LoggerFactory.getLogger(StateFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private StateFolder() {
    }

    /** Creates the folder if needed and makes it its owner's alone (on file systems with POSIX permissions). */
    public static void makePrivate(Path dir) throws IOException {
        Files.createDirectories(dir);
        PosixFileAttributeView posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (posix != null && !posix.readAttributes().permissions().equals(OWNER_ONLY)) {
            try {
                posix.setPermissions(OWNER_ONLY);
                LOG.info("{} is now readable by its owner only (it holds the data, the ledger and the databases)",
                        dir.toAbsolutePath());
            } catch (IOException e) {
                LOG.warn("{} stays readable by others: its permissions cannot be changed by this user ({})",
                        dir.toAbsolutePath(), e.getMessage());
            }
        }
    }
}
