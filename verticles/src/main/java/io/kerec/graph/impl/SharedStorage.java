package io.kerec.graph.impl;

import io.kerec.graph.GraphSchemaException;
import io.kerec.graph.GraphStoreException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.janusgraph.core.JanusGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What changes when several JanusGraph instances (engines, {@code kerec graph rebuild}) share one storage
 * ({@code cql}): two of them may create the same schema element, entity or item at the same moment, and the loser's
 * transaction fails on JanusGraph's lock or uniqueness check. Every write of the store is an idempotent upsert, so
 * such a write is retried, after a random pause, from the start in a new transaction, where it finds what the other
 * instance created; so is applying the schema, which is then verified.
 */
final class SharedStorage {
  private static final Logger LOG = LoggerFactory.getLogger(SharedStorage.class);
  /** Attempts of one write before its failure is reported. */
  static final int WRITE_ATTEMPTS = 6;
  /** Attempts of applying the schema (each one reads what the others committed meanwhile). */
  static final int SCHEMA_ATTEMPTS = 10;
  /** Attempts of opening the graph while other instances create its tables. */
  static final int OPEN_ATTEMPTS = 10;

  private SharedStorage() {
  }

  /**
   * Whether {@code e} is a conflict with a concurrent transaction of another instance (a lock held or taken away, a
   * unique value created meanwhile, a storage timeout) that the same write, retried, may not meet again.
   */
  static boolean conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      String message = String.valueOf(t.getMessage());
      if (name.endsWith("LockingException") || name.endsWith("TemporaryBackendException")
          || name.endsWith("SchemaViolationException") || message.contains("violates a uniqueness constraint")
          || message.contains("Lock") || message.contains("lock")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens the graph: several instances opening a new keyspace at once all create its tables ({@code IF NOT EXISTS}),
   * and one may prepare statements on a table another has created but whose definition has not reached it yet, or
   * find the graph's global settings written by another but not yet frozen, or reach a table whose definition a
   * node knows but whose storage it has not set up yet (Cassandra's {@code Unknown CF <id>}, seen in CI with three
   * instances opening at once). Such a failure is retried; others (Cassandra unreachable, bad settings) are not.
   */
  static JanusGraph open(Supplier<JanusGraph> opener) {
    for (int attempt = 1; ; attempt++) {
      try {
        return opener.get();
      } catch (RuntimeException e) {
        if (attempt >= OPEN_ATTEMPTS || !tableRace(e)) {
          throw e;
        }
        LOG.info("opening the shared graph: its tables are being created by another instance (attempt {} of {}), "
            + "retrying: {}", attempt, OPEN_ATTEMPTS, e.getMessage());
        pause(attempt);
      }
    }
  }

  static boolean tableRace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("does not exist") || message.contains("unconfigured table")
          || message.contains("already exists") || message.contains("ID mismatch")
          || message.contains("initialized but not frozen") || message.contains("Unknown CF")
          || message.contains("Unknown table")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens the graph and applies {@code schema} (see {@link #open} and {@link #applySchema}). When the schema reads
   * an element another instance has written only in part, JanusGraph has cached that partial read, so this graph
   * instance is closed and the graph opened anew, up to {@value #OPEN_ATTEMPTS} times.
   */
  static Opened openWithSchema(Supplier<JanusGraph> opener, GraphSchema schema) {
    for (int attempt = 1; ; attempt++) {
      JanusGraph graph = open(opener);
      try {
        return new Opened(graph, applySchema(graph, schema));
      } catch (RuntimeException e) {
        try {
          graph.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        if (attempt >= OPEN_ATTEMPTS || !partlyWritten(e)) {
          throw e;
        }
        LOG.info("graph schema: read an element another instance is still writing (attempt {} of {}), opening the "
            + "graph anew: {}", attempt, OPEN_ATTEMPTS, e.getMessage());
        pause(attempt);
      }
    }
  }

  /** A graph opened by {@link #openWithSchema} and what applying the schema did. */
  record Opened(JanusGraph graph, GraphSchema.Report report) {
  }

  static boolean partlyWritten(Throwable e) {
    return e instanceof GraphSchema.PartlyWrittenException;
  }

  /** Runs {@code write}, again after a conflict, up to {@value #WRITE_ATTEMPTS} times. */
  static <T> T retry(String op, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (GraphStoreException | IllegalStateException e) {
        if (e instanceof IllegalStateException || attempt >= WRITE_ATTEMPTS || !conflict(e)) {
          throw e;
        }
        LOG.info("{}: conflict with another instance on the shared graph (attempt {} of {}), retrying: {}", op,
            attempt, WRITE_ATTEMPTS, e.getMessage());
        pause(attempt);
      }
    }
  }

  /**
   * Applies {@code schema} with instances that may be applying it at the same time: a failed attempt (a conflict,
   * or a definition another instance has only partly written yet) is retried, up to {@value #SCHEMA_ATTEMPTS}
   * times; then the graph must be at the schema's latest version, and applying once more must change nothing.
   */
  static GraphSchema.Report applySchema(JanusGraph graph, GraphSchema schema) {
    GraphSchema.Report first = null;
    for (int attempt = 1; ; attempt++) {
      try {
        GraphSchema.Report report = schema.apply(graph);
        if (first == null) {
          first = report;
        }
        GraphSchema.Report again = schema.apply(graph);
        int applied = GraphSchema.appliedVersion(graph);
        if (again.noop() && applied == schema.latestVersion()) {
          return report.created().isEmpty() && attempt > 1 ? first : report;
        }
        throw new GraphSchemaException("the graph schema did not settle: version " + applied + ", a second pass "
            + "created " + again.created());
      } catch (GraphSchemaException e) {
        if (attempt >= SCHEMA_ATTEMPTS || partlyWritten(e)
            || String.valueOf(e.getMessage()).contains("refusing to run an older build")) {
          throw e;
        }
        LOG.info("graph schema: another instance applies it too (attempt {} of {}), retrying: {}", attempt,
            SCHEMA_ATTEMPTS, e.getMessage());
        pause(attempt);
      }
    }
  }

  private static void pause(int attempt) {
    long ms = ThreadLocalRandom.current().nextLong(50, 150) * Math.min(attempt, 8);
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraphStoreException("interrupted while retrying a write on the shared graph", e);
    }
  }
}
