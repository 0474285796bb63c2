package io.kerec.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

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
          string(o, "category", at), instant(o, "listedAt", at)), i));
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

  /** Fields of a verdict record; any other field is an error. */
  public static final Set<String> VERDICT_FIELDS = Set.of("source", "target", "complementary", "confidence", "reason",
      "provider", "model", "promptVersion", "tokens");
  /** Longest entity name accepted. */
  public static final int MAX_ENTITY = 200;

  /**
   * Parses one verdict of an external judge: {@code source} and {@code target} (entity names as the engine stores
   * them: lower case, no surrounding spaces, distinct), {@code complementary} (boolean) and {@code confidence}
   * (number in [0, 1]) required; {@code reason} (default ""), {@code provider} (default {@code external}),
   * {@code model} and {@code promptVersion} (default {@code unknown}) and {@code tokens} (integer, default 0) optional.
   *
   * @param o the record's JSON object
   * @param origin where it was read, kept with the stored verdict
   * @throws ValidationException naming the first offending field
   */
  public static ExternalVerdict verdict(JsonObject o, String origin) {
    for (String key : o.fieldNames()) {
      if (!VERDICT_FIELDS.contains(key)) {
        throw new ValidationException(key, "unknown field (expected " + new TreeSet<>(VERDICT_FIELDS) + ")");
      }
    }
    String source = entity(o, "source");
    String target = entity(o, "target");
    if (source.equals(target)) {
      throw new ValidationException("target", "must differ from source");
    }
    Object complementary = o.getValue("complementary");
    if (complementary == null) {
      throw new ValidationException("complementary", "missing");
    }
    if (!(complementary instanceof Boolean)) {
      throw new ValidationException("complementary", "must be true or false");
    }
    Double confidence = number(o, "confidence", "");
    if (confidence == null) {
      throw new ValidationException("confidence", "missing");
    }
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new ValidationException("confidence", "must be between 0 and 1, was " + confidence);
    }
    String reason = string(o, "reason", "");
    if (reason != null && reason.length() > MAX_TITLE) {
      throw new ValidationException("reason", "longer than " + MAX_TITLE + " characters");
    }
    return new ExternalVerdict(source, target, (Boolean) complementary, confidence, reason == null ? "" : reason,
        label(o, "provider", "external"), label(o, "model", "unknown"), label(o, "promptVersion", "unknown"),
        tokens(o), origin);
  }

  private static String entity(JsonObject o, String key) {
    String name = string(o, key, "");
    if (name == null) {
      throw new ValidationException(key, "missing");
    }
    if (name.isBlank()) {
      throw new ValidationException(key, "blank");
    }
    if (name.length() > MAX_ENTITY) {
      throw new ValidationException(key, "longer than " + MAX_ENTITY + " characters");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new ValidationException(key, "contains control characters");
    }
    if (!name.equals(name.strip().toLowerCase(Locale.ROOT))) {
      throw new ValidationException(key, "must be an entity name as the engine stores it (lower case, no"
          + " surrounding spaces), was '" + name + "'");
    }
    return name;
  }

  private static String label(JsonObject o, String key, String absent) {
    String value = string(o, key, "");
    id(value, key, false);
    return value == null ? absent : value;
  }

  private static int tokens(JsonObject o) {
    Object value = o.getValue("tokens");
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ValidationException("tokens", "must be a whole number");
    }
    if (n.doubleValue() < 0 || n.doubleValue() > Integer.MAX_VALUE) {
      throw new ValidationException("tokens", "must be between 0 and " + Integer.MAX_VALUE);
    }
    return n.intValue();
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
    text(trigger, at + "because.triggerEntity");
    text(entity, at + "because.entity");
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
    text(item.title(), at + "title");
    text(item.category(), at + "category");
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
    String problem = idProblem(value);
    if (problem != null) {
      throw new ValidationException(field, problem);
    }
  }

  /** Free text (titles, categories, entity names) may hold anything but NUL characters and lone surrogates. */
  private static void text(String value, String field) {
    if (value == null) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw new ValidationException(field, "contains a NUL character");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new ValidationException(field, "contains a lone surrogate (not valid Unicode)");
      }
    }
  }

  /**
   * What is wrong with an id (item, user, event, basket), or null when it is one: ids are strings of 1 to
   * {@value #MAX_ID} characters (Unicode code points), not only white space, without control characters or lone
   * surrogates, and neither {@code .} nor {@code ..} (which no URL path can carry). Any other string is an id, and
   * an id that a POST accepts is served by every GET that names it (percent-encoded in the path).
   */
  public static String idProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "missing";
    }
    if (value.isBlank()) {
      return "blank";
    }
    if (value.equals(".") || value.equals("..")) {
      return "must not be . or ..";
    }
    int codePoints = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "contains control characters";
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "contains a lone surrogate (not valid Unicode)";
      }
      codePoints++;
    }
    if (codePoints > MAX_ID) {
      return "longer than " + MAX_ID + " characters";
    }
    return null;
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
