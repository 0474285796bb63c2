package io.kerec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kerec.config.ConfigException;
import io.kerec.config.KerecConfig;
import io.kerec.ingest.KafkaIngestVerticle;
import io.kerec.store.DeadLetterQuery;
import io.kerec.store.PostgresServer;
import io.kerec.store.Store;
import io.kerec.store.StoredDeadLetter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kerec deadletters}: list the records Kafka ingest set aside, and replay them through ingest. */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
    description = "Records that Kafka ingest set aside (not UTF-8, not a JSON object, invalid, unknown item):"
        + " list them, and replay them by producing each stored payload to the topic it was read from, so it goes"
        + " through the same validation, idempotence and dead-lettering as any record. With the embedded"
        + " PostgreSQL, works while the engine runs (it connects to the engine's server) and when it is stopped.",
    subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Replay.class})
public final class DeadLettersCommand {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  /** Options shared by list and replay: where the database is and which rows. */
  abstract static class Rows implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineConfigOptions engine;

    @Option(names = "--topic", description = "Only records read from this topic.")
    String topic;

    @Option(names = "--since", description = "Only records set aside since an ISO-8601 instant or date"
        + " (2024-05-01T10:00:00Z, 2024-05-01) or a time ago (30m, 2h, 7d).")
    String since;

    @Option(names = "--limit", defaultValue = "100", description = "Most rows, oldest first (default: ${DEFAULT-VALUE}).")
    int limit;

    abstract String name();

    abstract Future<Object> run(Vertx vertx, Store store, KerecConfig config, DeadLetterQuery query);

    abstract DeadLetterQuery query(Instant since);

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
      }
      Instant from = since == null ? null : parseSince(since);
      DeadLetterQuery query = query(from);
      KerecConfig config;
      try {
        config = engine.load();
      } catch (ConfigException e) {
        err.println("kerec deadletters " + name() + ": bad configuration: " + e.getMessage());
        return 2;
      }
      Vertx vertx = Vertx.vertx();
      try (PostgresServer pg = PostgresServer.open(config.postgres(), config.dataPath())) {
        Store store = Store.create(vertx, pg.connectOptions(), 1);
        try {
          Object result = run(vertx, store, config, query).toCompletionStage().toCompletableFuture()
              .get(10, TimeUnit.MINUTES);
          return result instanceof Integer code ? code : 0;
        } catch (java.util.concurrent.ExecutionException e) {
          err.println("kerec deadletters " + name() + ": " + e.getCause().getMessage());
          err.flush();
          return 1;
        } finally {
          store.close();
        }
      } catch (RuntimeException e) {
        err.println("kerec deadletters " + name() + ": " + e.getMessage());
        err.flush();
        return 1;
      } finally {
        vertx.close();
      }
    }

    Instant parseSince(String text) {
      String t = text.strip();
      try {
        if (t.matches("\\d+[smhd]")) {
          long n = Long.parseLong(t.substring(0, t.length() - 1));
          Duration ago = switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
          return Instant.now().minus(ago);
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
          return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return Instant.parse(t);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new ParameterException(spec.commandLine(), "--since must be an ISO-8601 instant or date, or a time ago"
            + " such as 30m, 2h or 7d; was '" + text + "'");
      }
    }
  }

  /** {@code kerec deadletters list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Print stored dead letters, oldest first: a table, or JSON with --json.")
  static final class ListLetters extends Rows {
    @Option(names = "--json", description = "Print a JSON array (every field, whole payload) instead of a table.")
    boolean json;

    @Option(names = "--pending", description = "Only records never replayed.")
    boolean pending;

    @Option(names = "--id", split = ",", description = "Only these ids.")
    List<Long> ids;

    @Override
    String name() {
      return "list";
    }

    @Override
    DeadLetterQuery query(Instant from) {
      return new DeadLetterQuery(ids, topic, from, pending, limit);
    }

    @Override
    Future<Object> run(Vertx vertx, Store store, KerecConfig config, DeadLetterQuery query) {
      return store.deadLetters(query).map(rows -> {
        PrintWriter out = spec.commandLine().getOut();
        try {
          out.println(json ? JSON.writeValueAsString(rows) : table(rows));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
        out.flush();
        return 0;
      });
    }

    private static String table(List<StoredDeadLetter> rows) {
      StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%6s  %-20s %4s %10s  %-20s %7s  %-40s  %s%n",
          "id", "topic", "part", "offset", "received", "replays", "error", "payload"));
      for (StoredDeadLetter d : rows) {
        t.append(String.format(Locale.ROOT, "%6d  %-20s %4d %10d  %-20s %7d  %-40s  %s%n", d.id(),
            cut(d.topic(), 20), d.partition(), d.offset(), d.receivedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
            d.replays(), cut((d.field() == null ? "" : d.field() + ": ") + d.error(), 40), cut(d.payload(), 60)));
      }
      t.append(rows.size()).append(rows.size() == 1 ? " dead letter" : " dead letters");
      return t.toString();
    }

    private static String cut(String s, int n) {
      String one = s.replaceAll("\\s+", " ");
      return one.length() <= n ? one : one.substring(0, n - 1) + "…";
    }
  }

  /** Which rows a replay takes: named ids, or every not yet replayed row that matches the filters. */
  static final class Selection {
    @Option(names = "--id", split = ",", required = true, description = "Replay these ids (even if replayed before).")
    List<Long> ids;

    @Option(names = "--all", required = true, description = "Replay every row never replayed that matches"
        + " --topic/--since (at most --limit).")
    boolean all;
  }

  /** {@code kerec deadletters replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Produce each selected dead letter's stored payload (with its key) to the topic it was read"
          + " from, then mark it replayed. The running engine ingests it as any record: an event without an id"
          + " gets the id of its first reading, so replaying twice is one effect, and a record that fails again"
          + " becomes a new dead letter naming the one it replays (replay_of). Prints a JSON summary.")
  static final class Replay extends Rows {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--bootstrap-servers", description = "Kafka to produce to (default: kafka.bootstrapServers of"
        + " the configuration).")
    String bootstrapServers;

    @Override
    String name() {
      return "replay";
    }

    @Override
    DeadLetterQuery query(Instant from) {
      return selection.all ? new DeadLetterQuery(List.of(), topic, from, true, limit)
          : new DeadLetterQuery(selection.ids, topic, from, false, Math.max(limit, selection.ids.size()));
    }

    @Override
    Future<Object> run(Vertx vertx, Store store, KerecConfig config, DeadLetterQuery query) {
      String servers = bootstrapServers != null ? bootstrapServers : config.kafka().bootstrapServers();
      return store.deadLetters(query).compose(rows -> {
        if (!selection.all) {
          List<Long> missing = new ArrayList<>(selection.ids);
          rows.forEach(r -> missing.remove(r.id()));
          if (!missing.isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("no dead letter with id " + missing
                + (topic != null || since != null ? " matching --topic/--since" : "")));
          }
        }
        return vertx.executeBlocking(() -> produce(rows, servers))
            .compose(outcome -> store.markReplayed(outcome.sent()).map(marked -> print(rows, outcome, servers)));
      });
    }

    private record Outcome(List<Long> sent, List<Map<String, Object>> failed) {
    }

    private static Outcome produce(List<StoredDeadLetter> rows, String servers) {
      List<Long> sent = new ArrayList<>();
      List<Map<String, Object>> failed = new ArrayList<>();
      if (!rows.isEmpty()) {
        Properties p = new Properties();
        p.put("bootstrap.servers", servers);
        p.put("acks", "all");
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
            new ByteArraySerializer())) {
          for (StoredDeadLetter d : rows) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(d.topic(), null, d.key(),
                d.payload().getBytes(StandardCharsets.UTF_8));
            String origin = d.origin() != null ? d.origin() : d.topic() + "/" + d.partition() + "/" + d.offset();
            record.headers().add(KafkaIngestVerticle.ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
            record.headers().add(KafkaIngestVerticle.REPLAY_OF_HEADER,
                Long.toString(d.id()).getBytes(StandardCharsets.UTF_8));
            try {
              producer.send(record).get(30, TimeUnit.SECONDS);
              sent.add(d.id());
            } catch (Exception e) {
              Map<String, Object> f = new LinkedHashMap<>();
              f.put("id", d.id());
              f.put("error", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
              failed.add(f);
            }
          }
        }
      }
      return new Outcome(sent, failed);
    }

    private Object print(List<StoredDeadLetter> rows, Outcome outcome, String servers) {
        List<Long> sent = outcome.sent();
        List<Map<String, Object>> failed = outcome.failed();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("selected", rows.size());
        summary.put("replayed", sent.size());
        summary.put("ids", sent);
        summary.put("failed", failed);
        summary.put("bootstrapServers", servers);
        PrintWriter out = spec.commandLine().getOut();
        try {
          out.println(JSON.writeValueAsString(summary));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
        out.flush();
        return failed.isEmpty() ? 0 : 1;
    }
  }
}
