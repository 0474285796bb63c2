package io.kerec.graph.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which failures of opening a shared (cql) graph are retried, and that a retried open returns the graph. */
class SharedStorageTest {
  /** The message CI printed when three instances opened a new keyspace at once (Cassandra 4.1, one node). */
  static final String UNKNOWN_CF = "All 1 node(s) tried for the query failed: [com.datastax.oss.driver.api.core."
      + "servererrors.ServerError: java.lang.IllegalArgumentException: Unknown CF 79f24240-f091-11f1-8d1f-1be239993862]";

  @Test
  void aTableAnotherInstanceIsStillCreatingIsARace() {
    assertThat(SharedStorage.tableRace(new RuntimeException("cannot open", new RuntimeException(UNKNOWN_CF))))
        .isTrue();
    assertThat(SharedStorage.tableRace(new RuntimeException("unconfigured table edgestore"))).isTrue();
    assertThat(SharedStorage.tableRace(new RuntimeException("Could not reach any contact point"))).isFalse();
  }

  @Test
  void openRetriesARaceAndReturnsTheGraph() {
    AtomicInteger calls = new AtomicInteger();
    Object graph = SharedStorage.open(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException(UNKNOWN_CF);
      }
      return null;
    });
    assertThat(graph).isNull();
    assertThat(calls).hasValue(3);
  }

  @Test
  void openDoesNotRetryAnUnreachableStore() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> SharedStorage.open(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException("Could not reach any contact point");
    })).hasMessageContaining("contact point");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPartlyWrittenSchemaElementIsNotRetriedOnTheSameGraphButMarked() {
    var partial = new GraphSchema.PartlyWrittenException("schema version 1: a schema element is only partly written "
        + "(another instance is applying the schema): java.lang.AssertionError", new AssertionError());
    assertThat(SharedStorage.partlyWritten(partial)).isTrue();
    assertThat(SharedStorage.partlyWritten(new io.kerec.graph.GraphSchemaException("schema version 1: JanusGraph "
        + "refused the schema: Lock"))).isFalse();
  }
}
