package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nimbusverse.console.NimbusCli;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless Chromium through its chromedriver), reached through a reverse
 * proxy that serves it under another path: a dropped file appears in the batch list and its timeline fills in
 * without a reload; Reload loads a file again, its rows replacing those it loaded before; a malformed file shows in
 * quarantine with its reason, and once fixed, Replay brings it to DONE with its rows loaded once; a batch the loader never answered times out and completes when retried; the search
 * finds an item by a part of its name. The batch list and a batch page are saved as screenshots (README, "Console and
 * CLI"; {@code -Dnimbus.screenshots.dir=docs/images} writes them there).
 */
class ConsoleBrowserIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String PREFIX = "/ops/nimbus";

    @Test
    void aPersonSeesBatchesMoveFindsTheirFilesAndMendsWhatFailed(@TempDir Path dir) throws Exception {
        NimbusApp configured = new NimbusApp(dir.resolve("state"))
                .set("nimbus.completion.timeout-ms", "6000");
        try (NimbusApp app = configured.start(); PrefixProxy proxy = new PrefixProxy(PREFIX, app.httpPort)) {
            WebDriver browser = chromium();
            try {
                // the page redraws its view every 2 s: an element found may be replaced before it is read or clicked
                WebDriverWait wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(200));
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(proxy.url() + "/console");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("batches")));
                assertThat(browser.getCurrentUrl()).as("sent on to the folder, under the proxy's prefix")
                        .isEqualTo(proxy.url() + "/console/");
                ((JavascriptExecutor) browser).executeScript("window.nimbusPageLoad = 'first';");

                // a dropped file appears, and its timeline fills in, without a reload
                Files.writeString(app.inbox().resolve("orders.csv"), "id,amount\n1,9.50\n2,12.00\n3,4.25\n");
                String batch = wait.until(d -> d.findElements(By.cssSelector("#batches tr[data-batch]")).stream()
                        .findFirst().map(row -> row.getAttribute("data-batch")).orElse(null));
                By completed = By.cssSelector("tr[data-batch='" + batch + "'] td.step.reached[data-step='completed']");
                wait.until(ExpectedConditions.presenceOfElementLocated(completed));
                String row = "tr[data-batch='" + batch + "']";
                assertThat(texts(browser, row + " td.step.reached")).hasSize(5);
                assertThat(texts(browser, row + " .status")).containsExactly("COMPLETED");
                assertThat(((JavascriptExecutor) browser).executeScript("return window.nimbusPageLoad"))
                        .as("the same page all along: the list was redrawn, never reloaded").isEqualTo("first");

                // the batch page: its item, the table and rows it went to
                click(wait, By.cssSelector(row + " a"));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("batch-items")));
                assertThat(texts(browser, "#batch-items tbody tr")).singleElement().asString().contains("orders.csv",
                        "DONE", "structured", "text/csv", "orders", "3", "raw/structured/");
                screenshot(browser, "console-batch.png");

                // reloaded, the file's rows replace those it loaded before: in the table once, from the new batch
                click(wait, By.cssSelector("#batch-items button.reload"));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "back in the inbox"));
                wait.until(d -> !loadedBy(app, "orders").contains(batch));
                awaitStatus(browser, wait, "orders", "DONE");
                assertThat(loadedBy(app, "orders")).hasSize(3).doesNotContain(batch).doesNotContainNull();

                // a malformed file in quarantine with its reason; fixed, then replayed, it loads its rows once
                Files.writeString(app.inbox().resolve("broken.csv"), "id,name\n1,\"Ada\n2,Bob\n");
                click(wait, By.id("nav-quarantine"));
                By quarantined = By.xpath("//table[@id='quarantine']//tr[td/a[text()='broken.csv']]");
                wait.until(ExpectedConditions.presenceOfElementLocated(quarantined));
                assertThat(texts(browser, "#quarantine tr[data-key] .detail")).singleElement().asString()
                        .contains("a quoted field is never closed");
                Files.writeString(dir.resolve("state/quarantine/broken.csv"), "id,name\n1,Ada\n2,Bob\n");
                click(wait, By.cssSelector("#quarantine button.replay"));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "back in the inbox"));
                awaitStatus(browser, wait, "broken", "DONE");
                assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT id, name FROM broken ORDER BY id"))
                        .extracting(r -> r.get("id") + " " + r.get("name")).containsExactly("1 Ada", "2 Bob");

                // a batch the loader never answers times out; retried, it is loaded and completes
                app.context().getRouteController().stopRoute("load-signals");
                app.context().getRouteController().stopRoute("load-batch");
                Files.writeString(app.inbox().resolve("late.csv"), "id\n7\n8\n");
                awaitStatus(browser, wait, "late", "UPLOADED");
                click(wait, By.cssSelector("#search-results a[href^='#/batch/']"));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("batch-status"), "TIMED_OUT"));
                // the loader is back, but only Retry hands it the batch (its poll of signals/ stays stopped)
                app.context().getRouteController().startRoute("load-batch");
                click(wait, By.id("retry"));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("batch-status"), "COMPLETED"));
                assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM late")).isEqualTo(2);

                // the search finds an item by a part of its name
                search(browser, "rders");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-results"), "orders.csv"));
                assertThat(((JavascriptExecutor) browser).executeScript("return window.nimbusPageLoad"))
                        .isEqualTo("first");
                click(wait, By.id("nav-batches"));
                wait.until(d -> d.findElements(By.cssSelector("#batches tr[data-batch]")).size() == 5);
                screenshot(browser, "console-batches.png");
            } finally {
                browser.quit();
            }
            // the CLI asks the same instance, through the same proxy
            Map<String, String> env = Map.of("NIMBUS_CONSOLE_URL", proxy.url() + "/console");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(NimbusCli.run(new String[] {"item", "orders.csv"}, env, new PrintStream(out, true,
                    StandardCharsets.UTF_8))).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("name       orders.csv", "status     DONE",
                    "table      orders, 3 rows");
            Ledger ledger = app.context().getRegistry().lookupByNameAndType("ledger", Ledger.class);
            assertThat(ledger.countByStatus()).containsEntry(ItemStatus.DONE, 3L).containsEntry(ItemStatus.REQUEUED, 1L)
                    .doesNotContainKey(ItemStatus.QUARANTINED);
        }
    }

    /** The batch that loaded each row of the table. */
    private static List<Object> loadedBy(NimbusApp app, String table) {
        try {
            return SqlTables.rows(app.jdbcUrl(), "sa", "SELECT _nimbus_batch_id FROM " + table).stream()
                    .map(row -> row.get("_nimbus_batch_id")).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Searches for the name and waits until the item found has the status. */
    private static void awaitStatus(WebDriver browser, WebDriverWait wait, String name, String status) {
        wait.until(d -> {
            search(d, name);
            return texts(d, "#search-results tr[data-key] .status").contains(status);
        });
    }

    /** The texts of the elements the selector finds, read at once in the page (no element can go stale between). */
    @SuppressWarnings("unchecked")
    private static List<String> texts(WebDriver browser, String css) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());", css);
    }

    /** Clicks the element, found again if the page redrew it in between. */
    private static void click(WebDriverWait wait, By element) {
        wait.until(d -> {
            d.findElement(element).click();
            return true;
        });
    }

    private static void search(WebDriver browser, String text) {
        WebElement search = browser.findElement(By.id("search"));
        search.clear();
        search.sendKeys(text);
        browser.findElement(By.cssSelector("#search-form button")).click();
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("nimbus.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves the page under target/console-screenshots, and where -Dnimbus.screenshots.dir says. */
    private static void screenshot(WebDriver browser, String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        for (String dir : new LinkedHashSet<>(List.of("target/console-screenshots",
                System.getProperty("nimbus.screenshots.dir", "target/console-screenshots")))) {
            Files.createDirectories(Path.of(dir));
            Files.copy(shot, Path.of(dir, name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A reverse proxy as one is set up in front of a tool: it serves the management server under a path prefix,
     * forwarding each request with the prefix taken off and the answer as it is (redirects and cookies included).
     */
    static final class PrefixProxy implements AutoCloseable {
        private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
                "upgrade", "transfer-encoding");
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final String prefix;
        private final int target;

        PrefixProxy(String prefix, int targetPort) throws IOException {
            this.prefix = prefix;
            this.target = targetPort;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(prefix + "/", this::forward);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
        }

        private void forward(HttpExchange exchange) throws IOException {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                URI uri = exchange.getRequestURI();
                String path = uri.getRawPath().substring(prefix.length())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + path))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body.readAllBytes()));
                for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                    if (!NOT_FORWARDED.contains(header.getKey().toLowerCase())) {
                        header.getValue().forEach(value -> request.header(header.getKey(), value));
                    }
                }
                HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                answer.headers().map().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                byte[] bytes = answer.body();
                exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
