package io.kerec.ingest;

import static io.kerec.testing.Await.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Shared by the Kafka tests and the ingest bench: engine configuration, a producer, waiting and scraping. */
public final class KafkaRig {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private KafkaRig() {
  }

  /** An engine on {@code data} reading Kafka at {@code bootstrap}, no timers, HTTP on a free port. */
  public static KerecConfig config(Path data, String bootstrap, String group, Consumer<ObjectNode> kafka) {
    return config(data, bootstrap, group, kafka, o -> { });
  }

  /** As {@link #config(Path, String, String, Consumer)}, then {@code more} edits the whole configuration tree. */
  public static KerecConfig config(Path data, String bootstrap, String group, Consumer<ObjectNode> kafka,
                                   Consumer<ObjectNode> more) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", data.toString());
    o.putObject("http").put("port", 0);
    o.putObject("judge").put("autoRun", false).put("knowledge", "none");
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    ObjectNode k = o.putObject("kafka").put("enabled", true).put("bootstrapServers", bootstrap).put("groupId", group);
    kafka.accept(k);
    more.accept(o);
    return ConfigLoader.load(null, Map.of(), o);
  }

  /** A string producer with {@code acks=all}. */
  public static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Waits until {@code store.counts()} reports at least {@code expected} rows of {@code what}. */
  public static void awaitCount(Store store, String what, long expected, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    long last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = await(store.counts()).get(what);
      if (last >= expected) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": " + last + " of " + expected + " after " + seconds + " s");
  }

  /** Waits until at least {@code expected} Kafka records are in the dead-letter table. */
  public static void awaitDeadLetters(Store store, long expected, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    long last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = await(store.deadLetterCounts()).getOrDefault("kafka", 0L);
      if (last >= expected) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("dead letters: " + last + " of " + expected);
  }

  /** The engine's Prometheus text. */
  public static String metrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return r.body();
  }

  /** Sum of the samples of {@code metric} whose labels contain {@code labels}; NaN when there is none. */
  public static double sample(String text, String metric, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? (\\S+)$").matcher(text);
    double sum = Double.NaN;
    while (m.find()) {
      String l = m.group(1) == null ? "" : m.group(1);
      if (l.contains(labels)) {
        sum = (Double.isNaN(sum) ? 0 : sum) + Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Completes a future or fails within 3 minutes. */
}
