package io.kerec.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.bus.Event;
import io.kerec.bus.EventType;
import io.kerec.bus.Item;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private static ValidationException rejected(Runnable r) {
    try {
      r.run();
    } catch (ValidationException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  @Test
  void parsesValidItemsAndEvents() {
    List<Item> items = Validation.items(new JsonArray("[{\"id\":\"A\",\"title\":\"Tent\",\"price\":3}]"), 10);
    assertThat(items).containsExactly(new Item("A", "Tent", 3.0, null));
    assertThat(Validation.items(new JsonArray(
        "[{\"id\":\"A\",\"title\":\"Tent\",\"listedAt\":\"2011-09-01T00:00:00Z\"}]"), 10))
        .containsExactly(new Item("A", "Tent", null, null, Instant.parse("2011-09-01T00:00:00Z")));
    List<Event> events = Validation.events(new JsonArray(
        "[{\"type\":\"click\",\"userId\":\"u\",\"itemId\":\"A\",\"ts\":\"2011-01-01T00:00:00Z\",\"basketId\":\"b\"}]"),
        10);
    assertThat(events).containsExactly(new Event(null, EventType.CLICK, "u", "A",
        Instant.parse("2011-01-01T00:00:00Z"), "b"));
  }

  @Test
  void namesTheOffendingField() {
    assertThat(rejected(() -> Validation.items(new JsonArray("[1]"), 10)).field()).isEqualTo("[0]");
    assertThat(rejected(() -> Validation.items(new JsonArray("[{\"id\":\"A\",\"title\":\" \"}]"), 10)).field())
        .isEqualTo("[0].title");
    assertThat(rejected(() -> Validation.items(new JsonArray("[{\"id\":\"A\",\"title\":\"x\",\"price\":-1}]"), 10))
        .field()).isEqualTo("[0].price");
    assertThat(rejected(() -> Validation.items(new JsonArray(
        "[{\"id\":\"A\",\"title\":\"x\",\"listedAt\":\"2011-09-01\"}]"), 10)).field()).isEqualTo("[0].listedAt");
    assertThat(rejected(() -> Validation.items(new JsonArray(
        "[{\"id\":\"A\",\"title\":\"x\",\"listedAt\":20110901}]"), 10)).field()).isEqualTo("[0].listedAt");
    assertThat(rejected(() -> Validation.events(new JsonArray(
        "[{\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"A\"}]"), 10)).field()).isEqualTo("[0].type");
    assertThat(rejected(() -> Validation.events(new JsonArray(
        "[{\"type\":\"click\",\"userId\":\"" + "u".repeat(300) + "\",\"itemId\":\"A\"}]"), 10)).field())
        .isEqualTo("[0].userId");
    assertThat(rejected(() -> Validation.events(new JsonArray(
        "[{\"type\":\"click\",\"userId\":\"u\\u0000\",\"itemId\":\"A\"}]"), 10)).field()).isEqualTo("[0].userId");
  }

  @Test
  void rejectsEmptyAndOversizedBatches() {
    assertThat(rejected(() -> Validation.items(new JsonArray(), 10)).getMessage()).contains("empty");
    assertThatThrownBy(() -> Validation.items(new JsonArray("[{\"id\":\"A\",\"title\":\"x\"},"
        + "{\"id\":\"B\",\"title\":\"y\"}]"), 1)).hasMessageContaining("more than 1");
  }
}
