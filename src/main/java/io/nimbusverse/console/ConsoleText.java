package io.nimbusverse.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.nimbusverse.sql.SqlPositions;

/** The API's answers as the CLI prints them: a few aligned lines a person reads at a glance. */
final class ConsoleText {

    private ConsoleText() {
    }

    static String of(Object answer) {
        if (answer instanceof BatchBoard.BatchPage page) {
            return batches(page.batches()) + (page.next() == null ? "" : "more: --before " + page.next() + "\n");
        }
        if (answer instanceof BatchBoard.BatchDetail detail) {
            return batches(List.of(detail.summary())) + timeline(detail.summary()) + "\n" + items(detail.items())
                    + (detail.movedOn().isEmpty() ? "" : "\nmoved on to a later batch:\n" + items(detail.movedOn()));
        }
        if (answer instanceof BatchBoard.QuarantinePage page) {
            return items(page.items());
        }
        if (answer instanceof Map<?, ?> map) {
            return map(map);
        }
        return answer + "\n";
    }

    private static String map(Map<?, ?> map) {
        if (map.containsKey("done")) {
            return map.get("done") + "\n";
        }
        if (map.get("item") instanceof BatchBoard.ItemView item) {
            return item(item);
        }
        if (map.get("items") instanceof List<?> list) {
            return items(list.stream().map(BatchBoard.ItemView.class::cast).toList());
        }
        if (map.get("tables") instanceof List<?> list) {
            StringBuilder text = new StringBuilder(String.format("%-24s %-28s %-12s %-7s %s%n", "TABLE", "WATERMARK",
                    "KEY", "CHUNKS", "LAST POLL"));
            for (Object o : list) {
                SqlPositions.Position p = (SqlPositions.Position) o;
                text.append(String.format("%-24s %-28s %-12s %-7d %s%n", p.table(), dash(p.watermark()),
                        dash(p.key()), p.chunksOnTheirWay(), ago(p.lastPoll())));
            }
            return text.toString();
        }
        if (map.containsKey("latest")) {
            @SuppressWarnings("unchecked")
            List<BatchBoard.BatchSummary> latest = (List<BatchBoard.BatchSummary>) map.get("latest");
            return "items by status: " + map.get("items") + "\nbatches: " + map.get("batches") + ", quarantined: "
                    + map.get("quarantined") + "\n\nlatest batches:\n" + batches(latest);
        }
        return map.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"))
                + "\n";
    }

    private static String batches(List<BatchBoard.BatchSummary> batches) {
        StringBuilder text = new StringBuilder(String.format("%-24s %-10s %-9s %6s %10s  %s%n", "BATCH", "STATUS", "AGE",
                "ITEMS", "ROWS", "BY STATUS"));
        for (BatchBoard.BatchSummary b : batches) {
            text.append(String.format("%-24s %-10s %-9s %6d %10d  %s%n", b.batchId(), b.status(), ago(b.createdAt()),
                    b.items(), b.rows(), b.byStatus()));
        }
        return text.toString();
    }

    private static String timeline(BatchBoard.BatchSummary b) {
        return b.timeline().stream().map(s -> s.name() + " " + (s.at() == null ? "-" : s.at().toString()))
                .collect(Collectors.joining("\n  ", "  ", "\n"));
    }

    private static String items(List<BatchBoard.ItemView> items) {
        if (items.isEmpty()) {
            return "nothing found\n";
        }
        StringBuilder text = new StringBuilder(String.format("%-12s %-11s %-15s %-20s %8s  %-30s %s%n", "KEY",
                "STATUS", "CLASS", "TABLE", "ROWS", "NAME", "DETAIL"));
        for (BatchBoard.ItemView i : items) {
            text.append(String.format("%-12s %-11s %-15s %-20s %8s  %-30s %s%n", shortKey(i.key()), i.status(),
                    dash(i.itemClass()), dash(i.table()), i.rows() == null ? "-" : i.rows(), i.name(),
                    shorter(i.detail())));
        }
        return text.toString();
    }

    private static String item(BatchBoard.ItemView i) {
        return """
                name       %s
                key        %s
                status     %s
                batch      %s
                class      %s (%s), %d bytes, from %s
                table      %s, %s rows
                s3         %s
                claimed    %s
                updated    %s
                detail     %s
                """.formatted(i.name(), i.key(), i.status(), dash(i.batchId()), dash(i.itemClass()),
                dash(i.mediaType()), i.size(), i.source(), dash(i.table()), i.rows() == null ? "-" : i.rows(),
                dash(i.s3Key()), i.claimedAt(), i.updatedAt(), dash(i.detail()));
    }

    private static String shorter(String detail) {
        return detail.length() > 120 ? detail.substring(0, 117) + "..." : detail;
    }

    private static String shortKey(String key) {
        return key.length() > 12 ? key.substring(0, 12) : key;
    }

    private static String dash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    static String ago(Instant at) {
        if (at == null) {
            return "-";
        }
        long seconds = Math.max(0, Duration.between(at, Instant.now()).toSeconds());
        if (seconds < 120) {
            return seconds + "s ago";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m ago";
        }
        return seconds < 172800 ? seconds / 3600 + "h ago" : seconds / 86400 + "d ago";
    }
}
