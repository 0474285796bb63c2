package io.kerec.bench;

import static io.kerec.testing.Await.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.engine.Engine;
import io.kerec.bus.Addresses;
import io.kerec.bus.Done;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.EventType;
import io.kerec.bus.Item;
import io.kerec.bus.ItemBatch;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.config.PostgresOptions;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.dataset.Purchase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An engine in this JVM with the benchmark endpoints on, loaded with the shared Online Retail bills before
 * {@code -Dkerec.bench.until} (default 2011-07-01), then judged and trained once, with the judge and rank timers off
 * so that nothing retrains while it is measured. {@code -Dkerec.bench.members} sets {@code rank.members} (default:
 * the engine's), to measure the serving path with one network against five.
 */
final class BenchEngine implements AutoCloseable {
  static final Path RELATIVE = Path.of("shared", "datasets", "online-retail", "transactions.csv.gz");
  /** Bulk loads, judging and training of the Online Retail history: minutes each on 2 cores. */
  private static final Duration LOADS = Duration.ofMinutes(30);
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(TimeUnit.MINUTES.toMillis(20));

  final Vertx vertx;
  final Engine engine;
  final Dataset data;
  final Map<String, Object> facts = new LinkedHashMap<>();

  private BenchEngine(Vertx vertx, Engine engine, Dataset data) {
    this.vertx = vertx;
    this.engine = engine;
    this.data = data;
  }

  static BenchEngine start(Path dir) throws Exception {
    return start(dir, PostgresOptions.STRICT);
  }

  /** As {@link #start(Path)}, with PostgreSQL's {@code postgres.durability} set. */
  static BenchEngine start(Path dir, String durability) throws Exception {
    Instant until = Instant.parse(System.getProperty("kerec.bench.until", "2011-07-01T00:00:00Z"));
    long t0 = System.nanoTime();
    Dataset data = Datasets.read(sharedFile()).splitAt(until).train();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dir.toString());
    // one load generator stands for a thousand shoppers, each of whom has the default budget of live upgrades
    o.putObject("http").put("host", "127.0.0.1").put("port", 0).put("benchEndpoints", true)
        .put("liveConnects", 1_000_000);
    o.putObject("judge").put("autoRun", false);
    ObjectNode rank = o.putObject("rank").put("autoTrain", false).put("device", "cpu");
    Integer members = Integer.getInteger("kerec.bench.members");
    if (members != null) {
      rank.put("members", members);
    }
    o.putObject("postgres").put("durability", durability);
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);
    Vertx vertx = Engine.newVertx();
    BenchEngine rig = new BenchEngine(vertx, await(Engine.start(vertx, config)), data);
    rig.load(until, t0);
    return rig;
  }

  private void load(Instant until, long t0) {
    for (int i = 0; i < data.catalog().size(); i += 1_000) {
      List<Item> batch = data.catalog().subList(i, Math.min(data.catalog().size(), i + 1_000)).stream()
          .map(c -> new Item(c.itemId(), c.title(), c.price(), null)).toList();
      await(vertx.eventBus().request(Addresses.ITEMS, new ItemBatch(batch), LONG), LOADS);
    }
    List<String> ids = data.eventIds();
    List<Purchase> ps = data.purchases();
    for (int i = 0; i < ps.size(); i += 2_000) {
      List<Event> batch = new ArrayList<>(2_000);
      for (int j = i; j < Math.min(ps.size(), i + 2_000); j++) {
        Purchase p = ps.get(j);
        batch.add(new Event(ids.get(j), EventType.PURCHASE, p.userId(), p.itemId(), p.ts(), p.basketId()));
      }
      await(vertx.eventBus().request(Addresses.EVENTS, new EventBatch(batch), LONG), LOADS);
    }
    long fed = System.nanoTime();
    int verdicts = await(vertx.eventBus().<Done>request(Addresses.JUDGE_RUN, "run", LONG), LOADS).body().count();
    long judged = System.nanoTime();
    int samples = await(vertx.eventBus().<Done>request(Addresses.RANK_TRAIN, "train", LONG), LOADS).body().count();
    long trained = System.nanoTime();
    settle();
    long settled = System.nanoTime();
    facts.put("bills_until", until.toString());
    facts.put("durability", engine.config().postgres().durability());
    facts.put("rank_members", engine.config().rank().members());
    facts.put("items", data.catalog().size());
    facts.put("purchases", ps.size());
    facts.put("users", data.userCount());
    facts.put("feed_s", round1((fed - t0) / 1e9));
    facts.put("judge_verdicts", verdicts);
    facts.put("judge_s", round1((judged - fed) / 1e9));
    facts.put("train_samples", samples);
    facts.put("train_s", round1((trained - judged) / 1e9));
    facts.put("settle_s", round1((settled - trained) / 1e9));
    System.out.println("bench engine: " + facts);
  }

  /**
   * What an operator does after a bulk import, so that the runs measure serving rather than the import's aftermath:
   * VACUUM ANALYZE and CHECKPOINT in PostgreSQL (else autovacuum of the freshly loaded events and the checkpoint of
   * their WAL land in the middle of a run), then a full collection of the import's garbage.
   */
  private void settle() {
    io.vertx.pgclient.PgConnectOptions pg = engine.postgres();
    String url = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, pg.getUser(), pg.getPassword());
         java.sql.Statement st = c.createStatement()) {
      st.execute("VACUUM ANALYZE");
      st.execute("CHECKPOINT");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("settling PostgreSQL after the import failed", e);
    }
    System.gc();
  }

  int port() {
    return engine.httpPort();
  }

  /** Every user with a purchase in the loaded bills, in order of first purchase. */
  List<String> users() {
    LinkedHashSet<String> users = new LinkedHashSet<>();
    data.purchases().forEach(p -> users.add(p.userId()));
    return new ArrayList<>(users);
  }

  /** Items of the catalog that were sold in the loaded bills. */
  List<String> soldItems() {
    LinkedHashSet<String> items = new LinkedHashSet<>();
    data.purchases().forEach(p -> items.add(p.itemId()));
    return new ArrayList<>(items);
  }

  /** The shared file, looked for in the working directory and each of its parents; the bench fails without it. */
  static Path sharedFile() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path f = d.resolve(RELATIVE);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new AssertionError("the bench needs the shared Online Retail file " + RELATIVE + " in "
        + Path.of("").toAbsolutePath() + " or a parent directory");
  }

  private static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }

  @Override
  public void close() {
    try {
      await(engine.stop());
    } finally {
      await(vertx.close());
    }
  }
}
