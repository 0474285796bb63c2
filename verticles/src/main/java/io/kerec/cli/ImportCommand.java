package io.kerec.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.dataset.Purchase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kerec import}: posts a transactions file to a running engine.
 *
 * <p>Steps: read the file ({@link Datasets#read}), wait for {@code GET /health} = 200, post the catalog to
 * {@code POST /v1/items} in batches (each item listed at its first purchase in the file, so that the engine's sense
 * of which items are new follows the file's time, not the clock's), then the purchases to {@code POST /v1/events}
 * as {@code purchase} events in timestamp order. Event ids come from {@link Dataset#eventIds()}, so running the import twice
 * posts the same ids and the engine counts the second run as duplicates.
 *
 * <p>Ordering under concurrency: events are cut, in timestamp order, into windows of
 * {@code batch * concurrency} events. Inside a window, events go to {@code concurrency} lanes by a hash of the
 * user id; each lane posts its batches one after the other, lanes run in parallel, and the next window
 * starts when the whole window is acknowledged. So a user's events always arrive in order (one lane per
 * user, windows in sequence), and events of different users are reordered by at most one window. The price
 * is a short stall at the end of each window, waiting for the slowest lane.
 *
 * <p>Any non-2xx answer, timeout or connection error aborts the import (after the requests already in
 * flight finish) with exit code 1 and a message naming the batch and quoting the server's body.
 */
@Command(name = "import",
    description = {
        "Posts a transactions file to a running Kerec engine: the catalog to /v1/items, then the purchases, "
            + "in time order, to /v1/events with deterministic ids (re-running is idempotent).",
        "Formats: UCI Online Retail CSV, or generic CSV with header user_id,item_id,basket_id,ts,title; "
            + "plain or gzip.",
        "Prints one summary line to stdout: items, events, duplicates, seconds (whole command), "
            + "events/s (event phase)."})
public final class ImportCommand implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  @Spec
  CommandSpec spec;

  @Option(names = "--transactions", required = true, paramLabel = "FILE",
      description = "Transactions file (plain or gzip): Online Retail CSV or generic CSV.")
  Path transactions;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
      description = "Engine base URL (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--batch", defaultValue = "500", paramLabel = "N",
      description = "Items or events per request (default: ${DEFAULT-VALUE}); keep requests under the "
          + "engine's body limit (1 MiB by default, about 170 bytes per event).")
  int batch;

  @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--wait", defaultValue = "60", paramLabel = "SECONDS",
      description = "How long to wait for GET /health to answer 200 (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(names = "--no-progress", description = "Draw no progress bars on stderr.")
  boolean noProgress;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  private String base;
  private HttpClient http;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    if (concurrency < 1) {
      throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1, got " + concurrency);
    }
    base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI check;
    try {
      check = URI.create(base);
    } catch (IllegalArgumentException e) {
      check = null;
    }
    if (check == null || check.getHost() == null
        || !("http".equals(check.getScheme()) || "https".equals(check.getScheme()))) {
      throw new ParameterException(spec.commandLine(), "--url must be an http(s) URL with a host, got " + url);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Dataset ds;
    try {
      ds = Datasets.read(transactions);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      err.println("import: cannot read " + transactions + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    err.printf(Locale.ROOT, "import: read %s in %.1f s%n", ds.summary(), seconds(start));
    err.flush();

    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kerec-import-http");
      t.setDaemon(true);
      return t;
    });
    try {
      http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .executor(pool)
          .build();
      waitHealthy();
      postItems(ds.catalog(), ds.firstPurchases());
      long eventsStart = System.nanoTime();
      long duplicates = postEvents(ds);
      double eventSeconds = seconds(eventsStart);
      int n = ds.purchases().size();
      out.printf(Locale.ROOT, "imported items=%d events=%d duplicates=%d seconds=%.1f events/s=%.0f%n",
          ds.catalog().size(), n, duplicates, seconds(start), eventSeconds > 0 ? n / eventSeconds : 0.0);
      out.flush();
      return 0;
    } catch (ImportFailure e) {
      err.println("import failed: " + e.getMessage());
      err.flush();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("import interrupted");
      err.flush();
      return 1;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Polls GET /health until it answers 200, for up to --wait seconds. */
  private void waitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(0, waitSeconds)).toNanos();
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/health"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    String last;
    while (true) {
      try {
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 200) {
          return;
        }
        last = "HTTP " + resp.statusCode() + " " + abbreviate(resp.body());
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() >= deadline) {
        throw new ImportFailure(-1, "engine at " + base + " not healthy after " + waitSeconds
            + " s (GET /health: " + last + ")");
      }
      Thread.sleep(250);
    }
  }

  /** Posts the catalog; batches in any order, at most --concurrency in flight. */
  private void postItems(List<CatalogItem> catalog, Map<String, Instant> listedAt) throws InterruptedException {
    int batches = (catalog.size() + batch - 1) / batch;
    Semaphore inFlight = new Semaphore(concurrency);
    ConcurrentLinkedQueue<ImportFailure> failures = new ConcurrentLinkedQueue<>();
    try (Progress bar = progress("items", catalog.size())) {
      for (int b = 0; b < batches && failures.isEmpty(); b++) {
        int from = b * batch;
        int to = Math.min(catalog.size(), from + batch);
        List<CatalogItem> slice = catalog.subList(from, to);
        String what = "items batch " + (b + 1) + "/" + batches + " (items " + from + ".." + (to - 1)
            + ", first " + slice.get(0).itemId() + ")";
        inFlight.acquire();
        post("/v1/items", itemsJson(slice, listedAt), what, b + 1).whenComplete((dups, ex) -> {
          if (ex != null) {
            failures.add(unwrap(ex));
          } else {
            bar.step(slice.size());
          }
          inFlight.release();
        });
      }
      inFlight.acquire(concurrency); // all done
    }
    throwFirst(failures);
  }

  /** One request: which purchases it carries and its name. */
  private record Batch(int number, int lane, int[] indices) {
  }

  /** Posts the events window by window, lanes by user inside a window; returns the duplicates. */
  private long postEvents(Dataset ds) throws InterruptedException {
    List<Purchase> ps = ds.purchases();
    List<String> ids = ds.eventIds();
    List<List<List<Batch>>> windows = plan(ps);
    int total = windows.stream().mapToInt(w -> w.stream().mapToInt(List::size).sum()).sum();
    AtomicLong duplicates = new AtomicLong();
    ConcurrentLinkedQueue<ImportFailure> failures = new ConcurrentLinkedQueue<>();
    try (Progress bar = progress("events", ps.size())) {
      for (List<List<Batch>> window : windows) {
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (List<Batch> lane : window) {
          CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
          for (Batch b : lane) {
            String what = "events batch " + b.number() + "/" + total + " (lane " + b.lane() + ", "
                + b.indices().length + " events, first id " + ids.get(b.indices()[0]) + ")";
            chain = chain
                .thenCompose(v -> post("/v1/events", eventsJson(ps, ids, b.indices()), what, b.number()))
                .thenAccept(d -> {
                  duplicates.addAndGet(d);
                  bar.step(b.indices().length);
                });
          }
          lanes.add(chain.exceptionally(ex -> {
            failures.add(unwrap(ex));
            return null;
          }));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();
        throwFirst(failures);
      }
    }
    return duplicates.get();
  }

  /** Cuts the purchases into windows of batch*concurrency, each into lanes by user, each into batches. */
  private List<List<List<Batch>>> plan(List<Purchase> ps) {
    int window = (int) Math.min(Integer.MAX_VALUE, (long) batch * concurrency);
    List<List<List<Batch>>> windows = new ArrayList<>();
    int number = 0;
    for (int from = 0; from < ps.size(); from += window) {
      int to = Math.min(ps.size(), from + window);
      List<List<Integer>> lanes = new ArrayList<>();
      for (int l = 0; l < concurrency; l++) {
        lanes.add(new ArrayList<>());
      }
      for (int i = from; i < to; i++) {
        lanes.get(Math.floorMod(ps.get(i).userId().hashCode(), concurrency)).add(i);
      }
      List<List<Batch>> w = new ArrayList<>();
      for (int l = 0; l < concurrency; l++) {
        List<Integer> lane = lanes.get(l);
        List<Batch> bs = new ArrayList<>();
        for (int s = 0; s < lane.size(); s += batch) {
          int[] idx = lane.subList(s, Math.min(lane.size(), s + batch)).stream().mapToInt(Integer::intValue)
              .toArray();
          bs.add(new Batch(++number, l, idx));
        }
        if (!bs.isEmpty()) {
          w.add(bs);
        }
      }
      windows.add(w);
    }
    return windows;
  }

  /** POSTs a JSON body; completes with the response's "duplicates" (0 if absent), fails with ImportFailure. */
  private CompletableFuture<Long> post(String path, byte[] body, String what, int number) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, ex) -> {
      if (ex != null) {
        Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        throw new ImportFailure(number, what + " to " + path + " failed: " + c);
      }
      if (resp.statusCode() / 100 != 2) {
        throw new ImportFailure(number, what + " to " + path + " was rejected with HTTP " + resp.statusCode()
            + ": " + abbreviate(resp.body()));
      }
      try {
        JsonNode n = MAPPER.readTree(resp.body());
        return n == null ? 0L : n.path("duplicates").asLong(0);
      } catch (IOException e) {
        return 0L; // a 2xx without a JSON body still means accepted
      }
    });
  }

  static byte[] itemsJson(List<CatalogItem> items, Map<String, Instant> listedAt) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(items.size() * 96);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartArray();
      for (CatalogItem it : items) {
        g.writeStartObject();
        g.writeStringField("id", it.itemId());
        g.writeStringField("title", it.title());
        if (it.price() != null) {
          g.writeNumberField("price", it.price());
        }
        Instant listed = listedAt.get(it.itemId());
        if (listed != null) {
          g.writeStringField("listedAt", listed.toString());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static byte[] eventsJson(List<Purchase> ps, List<String> ids, int[] indices) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(indices.length * 160);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartArray();
      for (int i : indices) {
        Purchase p = ps.get(i);
        g.writeStartObject();
        g.writeStringField("id", ids.get(i));
        g.writeStringField("type", "purchase");
        g.writeStringField("userId", p.userId());
        g.writeStringField("itemId", p.itemId());
        g.writeStringField("ts", p.ts().toString());
        g.writeStringField("basketId", p.basketId());
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static String abbreviate(String s) {
    String t = s == null ? "" : s.strip();
    return t.length() <= 2000 ? t : t.substring(0, 2000) + "...";
  }

  private static ImportFailure unwrap(Throwable ex) {
    Throwable t = ex;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ImportFailure f ? f : new ImportFailure(Integer.MAX_VALUE, t.toString());
  }

  /** Throws the failure of the earliest batch, if any. */
  private static void throwFirst(ConcurrentLinkedQueue<ImportFailure> failures) {
    ImportFailure first = null;
    for (ImportFailure f : failures) {
      if (first == null || f.batch < first.batch) {
        first = f;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** A progress bar on stderr, or nothing with --no-progress. */
  private Progress progress(String task, long max) {
    if (noProgress || max == 0) {
      return n -> {
      };
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .setUpdateIntervalMillis(500)
        .setUnit(" " + task, 1)
        .showSpeed()
        .setSpeedUnit(ChronoUnit.SECONDS)
        .build();
    return new Progress() {
      @Override
      public void step(long n) {
        bar.stepBy(n);
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }

  private interface Progress extends AutoCloseable {
    void step(long n);

    @Override
    default void close() {
    }
  }

  /** Aborts the import; {@code batch} orders failures so the earliest batch is reported. */
  static final class ImportFailure extends RuntimeException {
    final int batch;

    ImportFailure(int batch, String message) {
      super(message, null, false, false);
      this.batch = batch;
    }
  }
}
