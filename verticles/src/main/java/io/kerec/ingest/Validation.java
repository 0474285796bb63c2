package io.kerec.ingest;

import io.kerec.bus.Attribution;
import io.kerec.bus.Event;
import io.kerec.bus.EventType;
import io.kerec.bus.Item;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns request bodies into message records and checks records that arrive on the event bus. The first problem
 * found is reported as a {@link ValidationException} naming the field; nothing of a rejected batch is kept.
 */
public final class Validation {
  /** Longest id (item, user, event, basket) accepted. */
  public static final int MAX_ID = 256;
  /** Longest title accepted. */
  public static final int MAX_TITLE = 2_000;

  private Validation() {
  }

  /** Parses a JSON array of items. */
  public static List<Item> items(JsonArray body, int maxBatch) {
    checkSize(body.size(), maxBatch);
    List<Item> items = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      JsonObject o = object(body, i);
      String at = "[" + i + "].";
      items.add(check(new Item(string(o, "id", at), string(o, "title", at), number(o, "price", at),
          string(o, "category", at)), i));
    }
    return items;
  }

  /** Parses a JSON array of events. */
  public static List<Event> events(JsonArray body, int maxBatch) {
    checkSize(body.size(), maxBatch);
    List<Event> events = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      JsonObject o = object(body, i);
      String at = "[" + i + "].";
      String type = string(o, "type", at);
      if (type == null) {
        throw new ValidationException(at + "type", "missing");
      }
      EventType parsed = EventType.parse(type).orElseThrow(() ->
          new ValidationException(at + "type", "unknown event type '" + type + "' (purchase, exposure or click)"));
      events.add(check(new Event(string(o, "id", at), parsed, string(o, "userId", at), string(o, "itemId", at),
          instant(o, "ts", at), string(o, "basketId", at), attribution(o, at)), i));
    }
    return events;
  }

  /** The optional {@code because} object: {@code triggerEntity} and {@code entity}, both strings. */
  private static Attribution attribution(JsonObject o, String at) {
    Object raw = o.getValue("because");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof JsonObject because)) {
      throw new ValidationException(at + "because", "must be an object {triggerEntity, entity}");
    }
    String trigger = string(because, "triggerEntity", at + "because.");
    String entity = string(because, "entity", at + "because.");
    if (trigger == null || trigger.isBlank()) {
      throw new ValidationException(at + "because.triggerEntity", "missing");
    }
    if (entity == null || entity.isBlank()) {
      throw new ValidationException(at + "because.entity", "missing");
    }
    if (trigger.length() > 200 || entity.length() > 200) {
      throw new ValidationException(at + "because", "entity names are at most 200 characters");
    }
    return new Attribution(trigger, entity);
  }

  /** Checks an item from any source; {@code index} is its position in the batch. */
  public static Item check(Item item, int index) {
    String at = "[" + index + "].";
    if (item == null) {
      throw new ValidationException("[" + index + "]", "must be an object");
    }
    id(item.id(), at + "id", true);
    if (item.title() == null || item.title().isBlank()) {
      throw new ValidationException(at + "title", "missing or blank");
    }
    if (item.title().length() > MAX_TITLE) {
      throw new ValidationException(at + "title", "longer than " + MAX_TITLE + " characters");
    }
    if (item.price() != null && (item.price().isNaN() || item.price().isInfinite() || item.price() < 0)) {
      throw new ValidationException(at + "price", "must be a non-negative number");
    }
    if (item.category() != null && item.category().length() > MAX_ID) {
      throw new ValidationException(at + "category", "longer than " + MAX_ID + " characters");
    }
    return item;
  }

  /** Checks an event from any source; id and ts may be absent (they are assigned on ingest). */
  public static Event check(Event event, int index) {
    String at = "[" + index + "].";
    if (event == null) {
      throw new ValidationException("[" + index + "]", "must be an object");
    }
    id(event.id(), at + "id", false);
    if (event.type() == null) {
      throw new ValidationException(at + "type", "missing");
    }
    id(event.userId(), at + "userId", true);
    id(event.itemId(), at + "itemId", true);
    id(event.basketId(), at + "basketId", false);
    return event;
  }

  private static void checkSize(int size, int maxBatch) {
    if (size == 0) {
      throw new ValidationException(null, "the array is empty");
    }
    if (size > maxBatch) {
      throw new ValidationException(null, "more than " + maxBatch + " elements in one request");
    }
  }

  private static void id(String value, String field, boolean required) {
    if (value == null) {
      if (required) {
        throw new ValidationException(field, "missing");
      }
      return;
    }
    if (value.isBlank()) {
      throw new ValidationException(field, "blank");
    }
    if (value.length() > MAX_ID) {
      throw new ValidationException(field, "longer than " + MAX_ID + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new ValidationException(field, "contains control characters");
      }
    }
  }

  private static JsonObject object(JsonArray body, int i) {
    Object value = body.getValue(i);
    if (value instanceof JsonObject o) {
      return o;
    }
    throw new ValidationException("[" + i + "]", "must be an object");
  }

  private static String string(JsonObject o, String key, String at) {
    Object value = o.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new ValidationException(at + key, "must be a string");
  }

  private static Double number(JsonObject o, String key, String at) {
    Object value = o.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new ValidationException(at + key, "must be a number");
  }

  private static Instant instant(JsonObject o, String key, String at) {
    Object value = o.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw new ValidationException(at + key, "must be an ISO-8601 instant such as 2011-09-01T10:15:00Z");
      }
    }
    throw new ValidationException(at + key, "must be an ISO-8601 instant string");
  }
}
