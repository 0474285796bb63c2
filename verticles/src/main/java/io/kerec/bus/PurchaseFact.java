package io.kerec.bus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A durable purchase with the entities of its item; {@code basketKey} groups the lines of one bill. */
public record PurchaseFact(String eventId, String userId, String itemId, String basketKey, long tsMillis,
                           List<String> entities) {

  /** The bill a purchase belongs to: its basket id, or else the user's purchases of that UTC day. */
  public static String basketKey(String userId, String basketId, long tsMillis) {
    if (basketId != null && !basketId.isBlank()) {
      return basketId;
    }
    return userId + "@" + Instant.ofEpochMilli(tsMillis).atOffset(ZoneOffset.UTC).toLocalDate();
  }
}
