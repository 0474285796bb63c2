package io.kerec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A hand-made shop for end-to-end tests, in the API's JSON: a catalogue of teacups, saucers (one never sold), cake
 * stands, cake cases, t-light holders and a bag, and bills with a planted structure (teacups go with saucers, cake
 * stands with cake cases, the bag with all) from which the judge infers the complements.
 */
final class TeaShop {
  private TeaShop() {
  }

  /** The catalogue. */
  static List<JsonObject> items() {
    return List.of(
        item("T1", "ROSES REGENCY TEACUP", 2.95), item("T2", "GREEN REGENCY TEACUP", 2.95),
        item("T3", "PINK REGENCY TEACUP", 2.95),
        item("S1", "ROSES REGENCY SAUCER", 1.25), item("S2", "GREEN REGENCY SAUCER", 1.25),
        item("S3", "PINK VINTAGE SAUCER", 1.45),
        item("C1", "REGENCY CAKESTAND 3 TIER", 12.75), item("C2", "SWEETHEART CAKESTAND 3 TIER", 9.95),
        item("K1", "PACK OF 72 RETROSPOT CAKE CASES", 0.55), item("K2", "PACK OF 60 PINK PAISLEY CAKE CASES", 0.55),
        item("H1", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55), item("H2", "GLASS STAR FROSTED T-LIGHT HOLDER", 4.25),
        item("B1", "JUMBO BAG RED RETROSPOT", 1.95));
  }

  /** A purchase event. */
  static JsonObject purchase(String id, String user, String item, String basket, Instant ts) {
    return new JsonObject().put("id", id).put("type", "purchase").put("userId", user).put("itemId", item)
        .put("basketId", basket).put("ts", ts.toString());
  }

  /** The bills, 95 purchase lines from January 2011. */
  static JsonArray bills() {
    JsonArray events = new JsonArray();
    Instant ts = Instant.parse("2011-01-03T10:00:00Z");
    String[] teacups = {"T1", "T2", "T3"};
    String[] saucers = {"S1", "S2"};
    String[] stands = {"C1", "C2"};
    String[] cases = {"K1", "K2"};
    int n = 0;
    for (int i = 0; i < 10; i++) {
      events.add(purchase("e" + n++, "u" + i, teacups[i % 3], "tea-" + i, ts.plusSeconds(60L * n)));
      events.add(purchase("e" + n++, "u" + i, saucers[i % 2], "tea-" + i, ts.plusSeconds(60L * n)));
      events.add(purchase("e" + n++, "u" + i, "B1", "tea-" + i, ts.plusSeconds(60L * n)));
    }
    for (int i = 0; i < 10; i++) {
      events.add(purchase("e" + n++, "v" + i, stands[i % 2], "cake-" + i, ts.plusSeconds(60L * n)));
      events.add(purchase("e" + n++, "v" + i, cases[i % 2], "cake-" + i, ts.plusSeconds(60L * n)));
      events.add(purchase("e" + n++, "v" + i, "B1", "cake-" + i, ts.plusSeconds(60L * n)));
    }
    for (int i = 0; i < 15; i++) {
      events.add(purchase("e" + n++, "w" + i, i % 2 == 0 ? "H1" : "H2", "light-" + i, ts.plusSeconds(60L * n)));
      events.add(purchase("e" + n++, "w" + i, "B1", "light-" + i, ts.plusSeconds(60L * n)));
    }
    return events;
  }

  private static JsonObject item(String id, String title, double price) {
    return new JsonObject().put("id", id).put("title", title).put("price", price);
  }
}
