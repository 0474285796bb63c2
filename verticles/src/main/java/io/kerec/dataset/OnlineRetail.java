package io.kerec.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reader for the UCI "Online Retail" transactions CSV (as in {@code shared/datasets/online-retail}).
 *
 * <h2>Input</h2>
 * UTF-8 CSV (plain or gzip, see {@link Datasets#open}) with RFC-4180 quoting and a header naming the columns
 * {@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID[,Country]} (matched by
 * name, case-insensitive). {@code InvoiceDate} is {@code yyyy-MM-dd HH:mm:ss} and is read as UTC (an ISO
 * instant is accepted too). A malformed Quantity, UnitPrice or InvoiceDate fails the read with the line
 * number: the file is not meant to have any.
 *
 * <h2>Cleaning</h2>
 * Each data row is kept, or dropped for the <em>first</em> of these reasons (in this order), counted as
 * {@code dropped.<reason>}:
 * <ol>
 *   <li>{@code cancelled}: InvoiceNo starts with {@code C};</li>
 *   <li>{@code quantity}: Quantity &le; 0 (stock adjustments);</li>
 *   <li>{@code price}: UnitPrice &le; 0;</li>
 *   <li>{@code guest}: empty CustomerID;</li>
 *   <li>{@code nonProduct}: the StockCode is not a product, see {@link #isProductCode};</li>
 *   <li>{@code noDescription}: empty Description.</li>
 * </ol>
 * A kept row becomes a {@link Purchase}: user id = CustomerID without its float suffix ({@code 17850.0} &rarr;
 * {@code 17850}), item id = StockCode upper-cased (the raw file has 95 lower-case codes such as
 * {@code 85123a} that name the same products as their upper-case twins; none of them is on a kept row),
 * basket id = InvoiceNo.
 *
 * <h2>Catalog</h2>
 * The catalog lists every product that was <em>sold</em> at least once, guests included: a "sale row" is a
 * row that is not a cancellation, has Quantity &gt; 0, UnitPrice &gt; 0, a product StockCode and a
 * Description. So it is a superset of the items in {@code purchases} (products only guests bought are
 * listed but never purchased, like new items).
 * <ul>
 *   <li>title = the most frequent Description among that item's sale rows, after trimming and collapsing
 *       whitespace; ties go to the lexicographically smallest. Only sale rows count because the other
 *       rows carry notes such as {@code damaged}, {@code check} or {@code incorrectly credited ...}.</li>
 *   <li>price = median UnitPrice of the item's kept rows, rounded to 4 decimals; for items with no kept
 *       row, the median over its sale rows (guest sales).</li>
 * </ul>
 *
 * <h2>Counts</h2>
 * Besides {@code rows}, {@code kept} and the {@code dropped.*} reasons, {@code counts} has raw-file
 * statistics (before any cleaning): {@code raw.invoices}, {@code raw.cancelledInvoices},
 * {@code raw.customers}, {@code raw.stockCodes} (distinct raw strings, case-sensitive),
 * {@code raw.emptyDescription}, {@code raw.negativeQuantity}, {@code raw.nonPositivePrice},
 * {@code raw.guestRows}, and {@code catalog.items}.
 */
public final class OnlineRetail {
  /** {@link Dataset#format()} of data sets read here. */
  public static final String FORMAT = "online-retail";
  /** Expected header, in the original order. */
  public static final List<String> COLUMNS = List.of(
      "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country");
  /** Drop reasons, in the order they are tested. */
  public static final List<String> DROP_REASONS = List.of(
      "cancelled", "quantity", "price", "guest", "nonProduct", "noDescription");

  private OnlineRetail() {
  }

  /** Reads a file, plain or gzip. */
  public static Dataset read(Path file) throws IOException {
    try (BufferedReader in = Datasets.open(file)) {
      return read(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * True when a StockCode names a product: it starts with five digits (optionally followed by a variant
   * suffix, e.g. {@code 84029G}, {@code 15056BL}). This rejects the codes the data set's README lists
   * ({@code POST, D, M, BANK CHARGES, AMAZONFEE, DOT, CRUK, S, PADS, B, DCGSSBOY, DCGSSGIRL}), every code
   * without a digit, and the other service codes of the file: {@code C2} (carriage), {@code gift_0001_*}
   * (gift vouchers) and {@code DCGS*} (a handful of web-shop lines, none with a CustomerID).
   */
  public static boolean isProductCode(String stockCode) {
    String c = stockCode.strip();
    if (c.length() < 5) {
      return false;
    }
    for (int i = 0; i < 5; i++) {
      char ch = c.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }

  /** User id from a CustomerID cell: {@code 17850.0} &rarr; {@code 17850}; "" stays "". */
  public static String userId(String customerId) {
    String c = customerId.strip();
    int dot = c.indexOf('.');
    if (dot < 0) {
      return c;
    }
    for (int i = dot + 1; i < c.length(); i++) {
      if (c.charAt(i) != '0') {
        return c; // not an integer written as a float: keep as is
      }
    }
    return c.substring(0, dot);
  }

  /** Reads from a reader positioned at the header line. The reader is not closed. */
  public static Dataset read(Reader reader) throws IOException {
    Builder b = new Builder();
    Csv csv = new Csv(reader);
    int iInv = csv.required("InvoiceNo", FORMAT);
    int iCode = csv.required("StockCode", FORMAT);
    int iDesc = csv.required("Description", FORMAT);
    int iQty = csv.required("Quantity", FORMAT);
    int iDate = csv.required("InvoiceDate", FORMAT);
    int iPrice = csv.required("UnitPrice", FORMAT);
    int iCust = csv.required("CustomerID", FORMAT);
    String[] row;
    while ((row = csv.next()) != null) {
      String invoice = Csv.field(row, iInv).strip();
      String rawCode = Csv.field(row, iCode);
      String description = Csv.normalizeText(Csv.field(row, iDesc));
      String customer = Csv.field(row, iCust).strip();
      int quantity;
      double price;
      Instant ts;
      try {
        quantity = Integer.parseInt(Csv.field(row, iQty).strip());
        price = Double.parseDouble(Csv.field(row, iPrice).strip());
        ts = b.instant(Csv.field(row, iDate));
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException(FORMAT + ": line " + csv.line() + ": " + e.getMessage(), e);
      }
      b.add(invoice, rawCode, description, quantity, ts, price, customer);
    }
    return b.build();
  }

  /** Per raw StockCode: its normalized id, description votes and prices. */
  private static final class Item {
    final String id;
    final boolean product;
    final Map<String, Integer> votes = new HashMap<>(4);
    final Csv.Doubles salePrices = new Csv.Doubles();
    final Csv.Doubles keptPrices = new Csv.Doubles();

    Item(String rawCode) {
      this.id = rawCode.strip().toUpperCase(Locale.ROOT);
      this.product = isProductCode(id);
    }
  }

  /**
   * Accumulates rows; holds only the kept purchases and per-item aggregates, never raw rows. Rows of one
   * invoice are consecutive, so invoice and customer bookkeeping runs only when they change.
   */
  private static final class Builder {
    private final List<Purchase> purchases = new ArrayList<>();
    private final Map<String, Item> items = new HashMap<>(); // by raw StockCode
    private final long[] dropped = new long[DROP_REASONS.size()];
    private final Set<String> invoices = new HashSet<>();
    private final Set<String> cancelledInvoices = new HashSet<>();
    private final Map<String, String> users = new HashMap<>(); // CustomerID cell -> user id
    private long rows;
    private long emptyDescription;
    private long negativeQuantity;
    private long nonPositivePrice;
    private long guestRows;
    private String lastDate;
    private Instant lastInstant;
    private String lastInvoice;
    private String lastCustomer;
    private String lastUser;

    Instant instant(String date) {
      if (!date.equals(lastDate)) { // rows of an invoice share the date: parse once
        lastInstant = Csv.parseInstant(date);
        lastDate = date;
      }
      return lastInstant;
    }

    void add(String invoice, String rawCode, String description, int quantity, Instant ts, double price,
        String customer) {
      rows++;
      if (!invoice.equals(lastInvoice)) {
        lastInvoice = invoice;
        invoices.add(invoice);
        if (invoice.startsWith("C")) {
          cancelledInvoices.add(invoice);
        }
      } else {
        invoice = lastInvoice; // share one String per invoice
      }
      boolean cancelled = invoice.startsWith("C");
      if (customer.isEmpty()) {
        guestRows++;
      } else if (!customer.equals(lastCustomer)) {
        lastCustomer = customer;
        lastUser = users.computeIfAbsent(customer, OnlineRetail::userId);
      }
      if (description.isEmpty()) {
        emptyDescription++;
      }
      if (quantity < 0) {
        negativeQuantity++;
      }
      if (price <= 0) {
        nonPositivePrice++;
      }

      Item item = items.computeIfAbsent(rawCode, Item::new);
      boolean sale = !cancelled && quantity > 0 && price > 0 && item.product && !description.isEmpty();
      if (sale) {
        item.votes.merge(description, 1, Integer::sum);
        item.salePrices.add(price);
      }
      int reason = cancelled ? 0
          : quantity <= 0 ? 1
          : price <= 0 ? 2
          : customer.isEmpty() ? 3
          : !item.product ? 4
          : description.isEmpty() ? 5
          : -1;
      if (reason >= 0) {
        dropped[reason]++;
        return;
      }
      item.keptPrices.add(price);
      purchases.add(new Purchase(lastUser, item.id, invoice, ts, quantity, price));
    }

    Dataset build() {
      // merge raw codes that differ only in case (85123a and 85123A)
      Map<String, Item> byId = new TreeMap<>();
      for (Item it : items.values()) {
        if (it.salePrices.n == 0) {
          continue; // never sold: not in the catalog
        }
        Item into = byId.computeIfAbsent(it.id, Item::new);
        it.votes.forEach((d, n) -> into.votes.merge(d, n, Integer::sum));
        for (int i = 0; i < it.salePrices.n; i++) {
          into.salePrices.add(it.salePrices.v[i]);
        }
        for (int i = 0; i < it.keptPrices.n; i++) {
          into.keptPrices.add(it.keptPrices.v[i]);
        }
      }
      List<CatalogItem> catalog = new ArrayList<>(byId.size());
      for (Item it : byId.values()) {
        Csv.Doubles prices = it.keptPrices.n > 0 ? it.keptPrices : it.salePrices;
        catalog.add(new CatalogItem(it.id, mostFrequent(it.votes), prices.median()));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("rows", rows);
      counts.put("kept", (long) purchases.size());
      for (int i = 0; i < dropped.length; i++) {
        counts.put("dropped." + DROP_REASONS.get(i), dropped[i]);
      }
      counts.put("raw.invoices", (long) invoices.size());
      counts.put("raw.cancelledInvoices", (long) cancelledInvoices.size());
      counts.put("raw.customers", (long) users.size());
      counts.put("raw.stockCodes", (long) items.size());
      counts.put("raw.emptyDescription", emptyDescription);
      counts.put("raw.negativeQuantity", negativeQuantity);
      counts.put("raw.nonPositivePrice", nonPositivePrice);
      counts.put("raw.guestRows", guestRows);
      counts.put("catalog.items", (long) catalog.size());
      return new Dataset(FORMAT, catalog, purchases, counts);
    }
  }

  /** Most frequent key; ties go to the lexicographically smallest. */
  static String mostFrequent(Map<String, Integer> votes) {
    String best = null;
    int bestN = -1;
    for (Map.Entry<String, Integer> v : votes.entrySet()) {
      int n = v.getValue();
      if (n > bestN || (n == bestN && v.getKey().compareTo(best) < 0)) {
        best = v.getKey();
        bestN = n;
      }
    }
    return best;
  }
}
