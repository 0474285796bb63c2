package io.kerec.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reader for Kerec's generic purchases CSV, for data sets other than Online Retail.
 *
 * <h2>Format</h2>
 * UTF-8 CSV, plain or gzip, RFC-4180 quoting (a field with a comma or quote is in double quotes, a quote
 * inside is doubled). A header line is required; columns are matched by name (case-insensitive, any order,
 * unknown columns ignored):
 * <pre>
 * user_id,item_id,basket_id,ts,title
 * u1,sku-1,o-1001,2011-01-04T10:00:00Z,"Teacup, blue"
 * u1,sku-2,o-1001,2011-01-04T10:00:00Z,Saucer
 * u2,sku-1,,2011-01-05 09:30:00,
 * </pre>
 * <ul>
 *   <li>{@code user_id}, {@code item_id} (required): non-empty ids. Rows where either is empty are dropped
 *       ({@code dropped.missingUser}, {@code dropped.missingItem}).</li>
 *   <li>{@code ts} (required): an ISO-8601 instant ({@code 2011-01-04T10:00:00Z}, or with an offset) or a
 *       zone-less {@code yyyy-MM-dd HH:mm:ss} / {@code yyyy-MM-ddTHH:mm:ss}, read as UTC. A value that is
 *       neither fails the read with its line number.</li>
 *   <li>{@code basket_id} (optional column and value): lines of one order. When empty, the basket is
 *       {@code <user_id>@<ts as ISO instant>}: a user's lines at the same instant form one basket.</li>
 *   <li>{@code title} (optional column and value): the item's title. The first non-empty title of an item, in
 *       file order, wins (whitespace trimmed and collapsed); an item that never has one is titled with its
 *       id.</li>
 *   <li>{@code quantity} (optional, default 1): integer; rows with quantity &le; 0 are dropped
 *       ({@code dropped.quantity}).</li>
 *   <li>{@code price} (optional): unit price, a number; empty means unknown. The catalog price is the median
 *       of an item's known prices with value &gt; 0 (null if none); {@link Purchase#unitPrice()} is 0 when
 *       unknown.</li>
 * </ul>
 * The catalog lists every item of a kept row, sorted by id. Counts: {@code rows}, {@code kept},
 * {@code dropped.missingUser}, {@code dropped.missingItem}, {@code dropped.quantity}, {@code catalog.items}.
 */
public final class GenericCsv {
  /** {@link Dataset#format()} of data sets read here. */
  public static final String FORMAT = "generic";
  /** The documented header (basket_id, title, quantity and price are optional). */
  public static final String HEADER = "user_id,item_id,basket_id,ts,title";

  private GenericCsv() {
  }

  /** Reads a file, plain or gzip. */
  public static Dataset read(Path file) throws IOException {
    try (BufferedReader in = Datasets.open(file)) {
      return read(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads from a reader positioned at the header line. The reader is not closed. */
  public static Dataset read(Reader reader) throws IOException {
    Csv csv = new Csv(reader);
    int iUser = csv.required("user_id", FORMAT);
    int iItem = csv.required("item_id", FORMAT);
    int iTs = csv.required("ts", FORMAT);
    int iBasket = csv.column("basket_id");
    int iTitle = csv.column("title");
    int iQty = csv.column("quantity");
    int iPrice = csv.column("price");

    Map<String, String> pool = new HashMap<>();
    List<Purchase> purchases = new ArrayList<>();
    Map<String, String> titles = new HashMap<>();
    Map<String, Csv.Doubles> prices = new HashMap<>();
    long rows = 0;
    long missingUser = 0;
    long missingItem = 0;
    long badQuantity = 0;
    String lastTs = null;
    Instant lastInstant = null;
    String[] row;
    while ((row = csv.next()) != null) {
      rows++;
      String user = Csv.field(row, iUser).strip();
      String item = Csv.field(row, iItem).strip();
      String tsText = Csv.field(row, iTs);
      int quantity = 1;
      double price = 0;
      boolean priceKnown = false;
      try {
        if (!tsText.equals(lastTs)) {
          lastInstant = Csv.parseInstant(tsText);
          lastTs = tsText;
        }
        String q = Csv.field(row, iQty).strip();
        if (!q.isEmpty()) {
          quantity = Integer.parseInt(q);
        }
        String p = Csv.field(row, iPrice).strip();
        if (!p.isEmpty()) {
          price = Double.parseDouble(p);
          priceKnown = true;
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException(FORMAT + ": line " + csv.line() + ": " + e.getMessage(), e);
      }
      if (user.isEmpty()) {
        missingUser++;
        continue;
      }
      if (item.isEmpty()) {
        missingItem++;
        continue;
      }
      if (quantity <= 0) {
        badQuantity++;
        continue;
      }
      String basket = Csv.field(row, iBasket).strip();
      if (basket.isEmpty()) {
        basket = user + '@' + lastInstant;
      }
      item = intern(pool, item);
      String title = Csv.normalizeText(Csv.field(row, iTitle));
      if (!title.isEmpty()) {
        titles.putIfAbsent(item, title);
      }
      Csv.Doubles ps = prices.computeIfAbsent(item, k -> new Csv.Doubles());
      if (priceKnown && price > 0) {
        ps.add(price);
      }
      purchases.add(new Purchase(intern(pool, user), item, intern(pool, basket), lastInstant, quantity,
          priceKnown ? price : 0));
    }
    List<CatalogItem> catalog = new ArrayList<>(prices.size());
    for (Map.Entry<String, Csv.Doubles> e : new TreeMap<>(prices).entrySet()) {
      Csv.Doubles ps = e.getValue();
      catalog.add(new CatalogItem(e.getKey(), titles.getOrDefault(e.getKey(), e.getKey()),
          ps.n == 0 ? null : ps.median()));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rows", rows);
    counts.put("kept", (long) purchases.size());
    counts.put("dropped.missingUser", missingUser);
    counts.put("dropped.missingItem", missingItem);
    counts.put("dropped.quantity", badQuantity);
    counts.put("catalog.items", (long) catalog.size());
    return new Dataset(FORMAT, catalog, purchases, counts);
  }

  private static String intern(Map<String, String> pool, String s) {
    String prev = pool.putIfAbsent(s, s);
    return prev == null ? s : prev;
  }
}
