package io.nimbusverse.convert;

import java.nio.file.Files;
import java.nio.file.Path;

import io.nimbusverse.signal.BatchItem;

/**
 * Converts one file by a rules file in a JVM of its own, so that a test can bound its heap: prints the rows written
 * and the process's peak resident memory (VmHWM), then exits.
 * Arguments: the working folder, the rules file, the file, the name it was dropped under.
 */
public final class ConvertOneItem {

    private ConvertOneItem() {
    }

    public static void main(String[] args) throws Exception {
        RuledConverter stage = new RuledConverter(Path.of(args[0]), Files.readString(Path.of(args[1])));
        BatchItem item = stage.convertFile(args[3], Path.of(args[2]));
        String peak = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("VmHWM: unknown");
        System.out.println("rows=" + item.getParquet().rows() + " columns=" + item.getParquet().schema().size()
                + " peak " + peak.replaceAll("\\s+", " "));
    }
}
