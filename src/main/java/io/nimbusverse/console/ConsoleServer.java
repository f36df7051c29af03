package io.nimbusverse.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.sql.SqlPositions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The web console and its JSON API, served on the management server beside /observe. The page is three static
 * files in the jar (no build step, no CDN); it reads the API and polls it every two seconds. Requests are answered
 * on Vert.x's worker threads, never on the pipeline's.
 *
 * <p>Every URL the page uses is relative to the console's own, so a reverse proxy may serve it under any prefix.
 * Actions are POSTs that carry the session's CSRF value in a header (a page of another site can neither read that
 * value nor set the header). On a management server that listens beyond loopback a token is asked for: as a bearer
 * token, or once as {@code ?token=} on the page, which keeps it in a same-site cookie.
 */
public class ConsoleServer {

    public static final String CSRF_HEADER = NimbusCli.CSRF_HEADER;
    private static final String TOKEN_COOKIE = "nimbus_console_token";
    private static final int PAGE = 25;
    private static final int MAX_PAGE = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final Map<String, String> ASSETS = Map.of("index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8", "console.css", "text/css; charset=utf-8");

    /** characters of the ledger export sent at once */
    private static final int EXPORT_CHUNK = 64 * 1024;
    private final String path;
    private final String token;
    private final String csrf;
    private final BatchBoard board;
    private final ConsoleActions actions;
    private final Ledger ledger;
    private final SqlPositions sqlPositions;
    private final S3Client s3;
    private final String bucket;
    private final ObjectMapper json;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();

    /**
     * @param path  where the console is served, e.g. {@code /console}
     * @param token what a request must carry; empty: no token (the server listens on loopback only)
     */
    public ConsoleServer(String path, String token, BatchBoard board, ConsoleActions actions, Ledger ledger,
            SqlPositions sqlPositions, S3Client s3, String bucket, ObjectMapper json) {
        this.path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.token = token;
        this.csrf = randomHex();
        this.board = board;
        this.actions = actions;
        this.ledger = ledger;
        this.sqlPositions = sqlPositions;
        this.s3 = s3;
        this.bucket = bucket;
        this.json = json;
        ASSETS.keySet().forEach(name -> assets.put(name, asset(name)));
    }

    /**
     * The token for a management server on {@code host}: the one set, none on loopback, else a new random one, logged
     * so that the person who started the process can open the console.
     */
    public static String tokenFor(String host, String configured) {
        if (!configured.isBlank()) {
            return configured;
        }
        if (isLoopback(host)) {
            return "";
        }
        String made = randomHex();
        LOG.info("The console listens on {} and asks for a token; made for this run (nimbus.console.token sets one): {}",
                host, made);
        return made;
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Adds the console's routes to the management server's router. */
    public void mount(Router router) {
        String base = path;
        // the page's links are relative to the folder: /console is sent to /console/ (relative, for any prefix)
        router.route(HttpMethod.GET, base).handler(ctx -> {
            // Vert.x matches the path with and without its last slash: only the one without is sent on
            if (ctx.request().path().endsWith("/")) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(302)
                        .putHeader(HttpHeaders.LOCATION, base.substring(base.lastIndexOf('/') + 1) + "/").end();
            }
        });
        router.route(base + "/*").handler(this::authorize);
        router.route(HttpMethod.GET, base + "/").handler(ctx -> serve(ctx, "index.html"));
        router.routeWithRegex(HttpMethod.GET, base + "/(console\\.js|console\\.css)")
                .handler(ctx -> serve(ctx, ctx.pathParam("param0")));
        get(router, "session", ctx -> Map.of("csrf", csrf, "path", path));
        get(router, "status", ctx -> status());
        get(router, "batches", ctx -> board.batches(limit(ctx), ctx.request().getParam("before")));
        get(router, "batch", ctx -> board.batch(required(ctx, "id")).orElseThrow(() -> notFound("batch", ctx)));
        get(router, "item", ctx -> item(required(ctx, "key")));
        get(router, "quarantine", ctx -> board.quarantined(limit(ctx), ctx.request().getParam("before")));
        get(router, "search", ctx -> Map.of("items", board.search(required(ctx, "q"), limit(ctx))));
        get(router, "tables", ctx -> Map.of("tables", sqlPositions.positions()));
        router.route(HttpMethod.GET, path + "/api/ledger.csv").blockingHandler(this::exportLedger, false);
        post(router, "replay", ctx -> actions.replay(required(ctx, "key")));
        post(router, "reload", ctx -> ctx.request().getParam("batch") != null
                ? actions.reloadBatch(ctx.request().getParam("batch")) : actions.reload(required(ctx, "key")));
        post(router, "retry", ctx -> actions.retry(required(ctx, "batch")));
        LOG.info("Console on the management server at {}/{}", path, token.isEmpty() ? "" : ", asking for its token");
    }

    // ---- requests ----

    private interface Answer {
        Object of(RoutingContext ctx) throws Exception;
    }

    private void get(Router router, String name, Answer answer) {
        router.route(HttpMethod.GET, path + "/api/" + name).blockingHandler(ctx -> answer(ctx, answer), false);
    }

    /** What the CLI reads: the answer as text when the request accepts text/plain (README, "Console and CLI"). */
    private static boolean wantsText(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.startsWith("text/plain");
    }

    private void post(Router router, String name, Answer action) {
        router.route(HttpMethod.POST, path + "/api/actions/" + name).blockingHandler(ctx -> {
            String sent = ctx.request().getHeader(CSRF_HEADER);
            if (sent == null || !equal(sent, csrf)) {
                error(ctx, 403, "an action needs the session's " + CSRF_HEADER + " header (GET api/session)");
                return;
            }
            answer(ctx, c -> Map.of("done", action.of(c)));
        }, false);
    }

    /**
     * The ledger as the report's CSV, one row per key, whatever its store (the audit's export of a shared ledger):
     * written as it is read, each chunk waited for, so a slow reader holds a chunk in memory, not the ledger.
     */
    private void exportLedger(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("Content-Disposition", "attachment; filename=\"report.csv\"");
        StringBuilder chunk = new StringBuilder(EXPORT_CHUNK + 1024);
        try {
            Ledger.export(ledger, new Appendable() {
                @Override
                public Appendable append(CharSequence text) throws IOException {
                    chunk.append(text);
                    if (chunk.length() >= EXPORT_CHUNK) {
                        send(response, chunk);
                    }
                    return this;
                }

                @Override
                public Appendable append(CharSequence text, int start, int end) throws IOException {
                    return append(text.subSequence(start, end));
                }

                @Override
                public Appendable append(char c) throws IOException {
                    return append(String.valueOf(c));
                }
            });
            send(response, chunk);
            response.end();
        } catch (Exception e) {
            LOG.warn("Ledger export failed: {}", e.toString());
            // the rows sent so far are not a whole report: the reader must see the export break
            response.reset();
        }
    }

    private static void send(HttpServerResponse response, StringBuilder chunk) throws IOException {
        try {
            response.write(Buffer.buffer(chunk.toString())).toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the export was sent", e);
        } catch (ExecutionException e) {
            throw new IOException("the export could not be sent: " + e.getCause(), e.getCause());
        }
        chunk.setLength(0);
    }

    private void answer(RoutingContext ctx, Answer answer) {
        try {
            Object body = answer.of(ctx);
            boolean text = wantsText(ctx);
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, text ? "text/plain; charset=utf-8"
                            : "application/json; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(text ? ConsoleText.of(body) : json.writeValueAsString(body));
        } catch (ConsoleActions.Refused e) {
            error(ctx, 409, e.getMessage());
        } catch (NotFound | IllegalArgumentException e) {
            error(ctx, e instanceof NotFound ? 404 : 400, e.getMessage());
        } catch (Exception e) {
            LOG.warn("Console request {} failed: {}", ctx.request().uri(), e.toString());
            error(ctx, 500, e.getMessage());
        }
    }

    private void error(RoutingContext ctx, int status, String message) {
        try {
            if (wantsText(ctx)) {
                ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .end("error: " + message + "\n");
                return;
            }
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                    .end(json.writeValueAsString(Map.of("error", String.valueOf(message))));
        } catch (IOException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    private void authorize(RoutingContext ctx) {
        if (token.isEmpty()) {
            ctx.next();
            return;
        }
        String given = ctx.request().getParam("token");
        if (given != null && equal(given, token)) {
            ctx.response().addCookie(Cookie.cookie(TOKEN_COOKIE, token).setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setPath(path + "/"));
            ctx.next();
            return;
        }
        String bearer = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        Cookie cookie = ctx.request().getCookie(TOKEN_COOKIE);
        if (bearer != null && equal(bearer, "Bearer " + token) || cookie != null && equal(cookie.getValue(), token)) {
            ctx.next();
            return;
        }
        error(ctx, 401, "this console asks for its token: open it once with ?token=<token>, or send "
                + "'Authorization: Bearer <token>' (nimbus.console.token, or the one the start-up log shows)");
    }

    private void serve(RoutingContext ctx, String name) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, ASSETS.get(name))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
                .end(io.vertx.core.buffer.Buffer.buffer(assets.get(name)));
    }

    private Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("items", board.countByStatus());
        status.put("readingHistory", board.isLoading());
        status.put("batches", board.batchCount());
        status.put("quarantined", board.quarantinedCount());
        status.put("latest", board.batches(5, null).batches());
        return status;
    }

    /** An item with its metadata JSON from S3, when it has one. */
    private Map<String, Object> item(String key) {
        BatchBoard.ItemView item = board.item(key).orElseThrow(() -> new NotFound("no item has the key " + key));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("item", item);
        answer.put("metadata", metadata(key).orElse(null));
        return answer;
    }

    private Optional<JsonNode> metadata(String key) {
        if (!key.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket)
                    .key("metadata/" + key + ".json")).asByteArray()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int limit(RoutingContext ctx) {
        String limit = ctx.request().getParam("limit");
        try {
            return limit == null ? PAGE : Math.max(1, Math.min(MAX_PAGE, Integer.parseInt(limit)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number, not " + limit);
        }
    }

    private static String required(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the parameter " + name + " is missing");
        }
        return value;
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    private static NotFound notFound(String what, RoutingContext ctx) {
        return new NotFound("no " + what + " has the id " + ctx.request().getParam("id"));
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] asset(String name) {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
