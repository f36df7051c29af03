package io.nimbusverse.console;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code nimbus} command: asks a running instance through the console's API, as text. It uses the JDK alone, so
 * the {@code nimbus} script runs this source file as it is, without a build (README, "Console and CLI").
 */
public final class NimbusCli {

    static final String USAGE = """
            usage: nimbus [--url URL] [--token TOKEN] COMMAND
              status                      items by status, the latest batches
              batches [--limit N] [--before BATCH]
                                          batches, newest first
              batch BATCH                 a batch: its timeline and its items
              item NAME|SHA256|KEY        where an item is and what became of it (a part of a name finds it)
              quarantine                  the quarantined items with their reasons
              tables                      the MySQL tables: watermarks, chunks on their way, last poll
              ledger                      the whole ledger as the report's CSV, one row per key (> report.csv)
              replay KEY                  a quarantined item back into the inbox
              retry BATCH                 a FAILED or TIMED_OUT batch again
              reload KEY | --batch BATCH  a DONE file (or every one of a batch) loaded again, its rows replaced
            URL: the console's address (default NIMBUS_CONSOLE_URL, else http://127.0.0.1:8080/console)
            TOKEN: the console's token, when it asks for one (default NIMBUS_CONSOLE_TOKEN)
            """;
    /** the API's header for the CSRF value; the same as the console's, written here so that this file runs alone */
    static final String CSRF_HEADER = "X-Nimbus-Csrf";
    private static final Pattern CSRF = Pattern.compile("\"csrf\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");

    private final String url;
    private final String token;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    NimbusCli(String url, String token, PrintStream out) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** Runs one command; the exit code: 0 done, 1 refused or failed by the instance, 2 a wrong command or no answer. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        List<String> words = new ArrayList<>(List.of(args));
        String url = option(words, "--url", env.getOrDefault("NIMBUS_CONSOLE_URL", "http://127.0.0.1:8080/console"));
        String token = option(words, "--token", env.getOrDefault("NIMBUS_CONSOLE_TOKEN", ""));
        if (words.isEmpty() || words.get(0).equals("--help") || words.get(0).equals("help")) {
            out.print(USAGE);
            return words.isEmpty() ? 2 : 0;
        }
        try {
            return new NimbusCli(url, token, out).command(words);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.print(USAGE);
            return 2;
        } catch (ConnectException e) {
            out.println("no NimbusVerse answers at " + url + " (is it running? --url or NIMBUS_CONSOLE_URL)");
            return 2;
        } catch (IOException e) {
            out.println("no answer from " + url + ": " + e);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private int command(List<String> words) throws IOException, InterruptedException {
        String command = words.remove(0);
        return switch (command) {
            case "status" -> get("status");
            case "batches" -> get("batches?limit=" + encode(option(words, "--limit", "25"))
                    + "&before=" + encode(option(words, "--before", "")));
            case "batch" -> get("batch?id=" + encode(argument(words, "a batch id")));
            case "item" -> item(argument(words, "a name, a SHA-256 or a key"));
            case "quarantine" -> get("quarantine");
            case "tables" -> get("tables");
            case "ledger" -> get("ledger.csv");
            case "replay" -> post("replay?key=" + encode(argument(words, "the key of a quarantined item")));
            case "retry" -> post("retry?batch=" + encode(argument(words, "a batch id")));
            case "reload" -> {
                String batch = option(words, "--batch", null);
                yield batch != null ? post("reload?batch=" + encode(batch))
                        : post("reload?key=" + encode(argument(words, "the key of a DONE file, or --batch BATCH")));
            }
            default -> throw new IllegalArgumentException("unknown command: " + command);
        };
    }

    /** A key is looked up; anything else is searched for, and a single find is shown whole. */
    private int item(String what) throws IOException, InterruptedException {
        HttpResponse<String> exact = send(request("item?key=" + encode(what)).GET().build());
        if (exact.statusCode() == 200) {
            return print(exact);
        }
        String search = "search?q=" + encode(what) + "&limit=20";
        Matcher keys = KEY.matcher(send(request(search).GET().setHeader("Accept", "application/json").build()).body());
        List<String> found = new ArrayList<>();
        while (keys.find()) {
            found.add(keys.group(1));
        }
        return found.size() == 1 ? print(send(request("item?key=" + encode(found.get(0))).GET().build()))
                : print(send(request(search).GET().build()));
    }

    private int get(String api) throws IOException, InterruptedException {
        return print(send(request(api).GET().build()));
    }

    private int post(String action) throws IOException, InterruptedException {
        HttpResponse<String> session = send(request("session").GET().setHeader("Accept", "application/json").build());
        Matcher csrf = CSRF.matcher(session.body());
        if (session.statusCode() != 200 || !csrf.find()) {
            return print(session);
        }
        return print(send(request("actions/" + action).POST(HttpRequest.BodyPublishers.noBody())
                .setHeader(CSRF_HEADER, csrf.group(1)).build()));
    }

    private HttpRequest.Builder request(String api) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/" + api))
                .timeout(Duration.ofSeconds(30)).setHeader("Accept", "text/plain");
        if (!token.isEmpty()) {
            request.setHeader("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private int print(HttpResponse<String> response) {
        out.print(response.body());
        return response.statusCode() == 200 ? 0 : 1;
    }

    private static String option(List<String> words, String name, String fallback) {
        int at = words.indexOf(name);
        if (at < 0) {
            return fallback;
        }
        if (at + 1 >= words.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = words.get(at + 1);
        words.subList(at, at + 2).clear();
        return value;
    }

    private static String argument(List<String> words, String what) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("this command needs " + what);
        }
        return words.get(0);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
