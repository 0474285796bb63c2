package io.kerec.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What crosses a clustered event bus comes back equal, listing times included. */
class RecordCodecTest {
  private static <T> T roundTrip(Class<T> type, T value) {
    RecordCodec<T> codec = new RecordCodec<>(type);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire(0, wire);
  }

  @Test
  void itemsKeepTheirListingTimeAndItsAbsence() {
    Instant at = Instant.parse("2011-09-01T00:00:00Z");
    Item listed = new Item("A", "TEA COSY", 2.5, "kitchen", at);
    assertThat(roundTrip(Item.class, listed)).isEqualTo(listed);
    assertThat(roundTrip(Item.class, new Item("B", "TEAPOT", null, null)).listedAt()).isNull();
    ItemEntities entities = new ItemEntities("A", "TEA COSY", 2.5, null, List.of("tea cosy"), at);
    assertThat(roundTrip(ItemEntities.class, entities)).isEqualTo(entities);
    ItemsIndexed batch = new ItemsIndexed(List.of(entities, new ItemEntities("B", "TEAPOT", 1.0, null, List.of())));
    assertThat(roundTrip(ItemsIndexed.class, batch)).isEqualTo(batch);
    ItemView view = new ItemView("A", "TEA COSY", 2.5, null, List.of("tea cosy"), 3, at);
    assertThat(roundTrip(ItemView.class, view)).isEqualTo(view);
  }
}
