package io.kerec.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineRetailTest {
  static final String HEADER =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

  /** Every case the cleaning rules care about, in the file's own style. */
  static final String FIXTURE = HEADER
      // a normal invoice, with a quoted description holding a comma and a doubled quote
      + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
      + "536365,22632,\"HAND WARMER RED, \"\"POLKA\"\" DOT\",6,2010-12-01 08:26:00,1.85,17850.0,United Kingdom\n"
      // variants of one product are different items; a lower-case code is the upper-case item
      + "536366,84029G,KNITTED UNION FLAG HOT WATER BOTTLE,6,2010-12-01 08:28:00,3.39,13047.0,United Kingdom\n"
      + "536366,84029E,RED WOOLLY HOTTIE WHITE HEART.,6,2010-12-01 08:28:00,3.39,13047.0,United Kingdom\n"
      + "536366,85123a,CREAM HANGING HEART T-LIGHT HOLDER,2,2010-12-01 08:28:00,2.95,13047.0,United Kingdom\n"
      // the same line twice in one invoice
      + "536366,84029G,KNITTED UNION FLAG HOT WATER BOTTLE,1,2010-12-01 08:28:00,3.75,13047.0,United Kingdom\n"
      // service codes
      + "536367,POST,POSTAGE,3,2010-12-01 08:34:00,18.00,12583.0,France\n"
      + "536367,C2,CARRIAGE,1,2010-12-01 08:34:00,50.00,12583.0,France\n"
      + "536367,DCGS0003,BOXED GLASS ASHTRAY,1,2010-12-01 08:34:00,2.51,12583.0,France\n"
      + "536367,gift_0001_40,Dotcomgiftshop Gift Voucher £40.00,1,2010-12-01 08:34:00,34.04,12583.0,France\n"
      // a guest invoice: its product is listed (and titled) but bought by nobody
      + "536368,21730,GLASS STAR FROSTED T-LIGHT HOLDER,6,2010-12-01 08:35:00,4.25,,United Kingdom\n"
      + "536368,85123A,WHITE HANGING HEART T-LIGHT HOLDER ,6,2010-12-01 08:35:00,2.95,,United Kingdom\n"
      // a cancellation, a stock adjustment with a note, a zero price, an empty description
      + "C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-01 09:41:00,2.55,17850.0,United Kingdom\n"
      + "536380,85123A,damaged,-12,2010-12-01 09:45:00,0,,United Kingdom\n"
      + "536381,85123A,check,5,2010-12-01 09:46:00,0,,United Kingdom\n"
      + "536382,22633,,2,2010-12-01 09:47:00,2.10,17850.0,United Kingdom\n"
      // a second sale of 85123A with another description (minority) and a tie for 22632
      + "536390,85123A,CREAM HANGING  HEART T-LIGHT HOLDER,3,2010-12-02 10:00:00,2.65,17850.0,United Kingdom\n"
      + "536390,22632,HAND WARMER RED POLKA DOT,1,2010-12-02 10:00:00,2.05,17850.0,United Kingdom\n";

  static Dataset fixture() throws IOException {
    return OnlineRetail.read(new StringReader(FIXTURE));
  }

  @Test
  void keepsProductPurchasesOfKnownCustomersInFileOrder() throws IOException {
    Dataset ds = fixture();
    assertThat(ds.format()).isEqualTo(OnlineRetail.FORMAT);
    assertThat(ds.purchases()).extracting(p -> p.basketId() + "/" + p.itemId()).containsExactly(
        "536365/85123A", "536365/22632",
        "536366/84029G", "536366/84029E", "536366/85123A", "536366/84029G",
        "536390/85123A", "536390/22632");
    Purchase first = ds.purchases().get(0);
    assertThat(first).isEqualTo(new Purchase("17850", "85123A", "536365",
        Instant.parse("2010-12-01T08:26:00Z"), 6, 2.55));
    assertThat(ds.purchases().get(5).quantity()).isEqualTo(1);
    assertThat(ds.purchases().get(5).unitPrice()).isEqualTo(3.75);
  }

  @Test
  void countsEveryDropReason() throws IOException {
    Map<String, Long> c = fixture().counts();
    assertThat(c).containsEntry("rows", 18L).containsEntry("kept", 8L)
        .containsEntry("dropped.cancelled", 1L)
        .containsEntry("dropped.quantity", 1L)
        .containsEntry("dropped.price", 1L)
        .containsEntry("dropped.guest", 2L)
        .containsEntry("dropped.nonProduct", 4L)
        .containsEntry("dropped.noDescription", 1L);
    long dropped = c.entrySet().stream().filter(e -> e.getKey().startsWith("dropped."))
        .mapToLong(Map.Entry::getValue).sum();
    assertThat(dropped + c.get("kept")).isEqualTo(c.get("rows"));
    assertThat(c).containsEntry("raw.invoices", 9L).containsEntry("raw.cancelledInvoices", 1L)
        .containsEntry("raw.customers", 3L).containsEntry("raw.guestRows", 4L)
        .containsEntry("raw.stockCodes", 11L) // 85123a and 85123A count apart, as in the README
        .containsEntry("raw.emptyDescription", 1L).containsEntry("raw.negativeQuantity", 2L)
        .containsEntry("raw.nonPositivePrice", 2L);
  }

  @Test
  void catalogTitlesComeFromSaleRowsAndPricesFromKeptRows() throws IOException {
    Map<String, CatalogItem> cat = fixture().catalog().stream()
        .collect(Collectors.toMap(CatalogItem::itemId, c -> c));
    // sold products only; guest-only 21730 included; service codes and the description-less 22633 not
    assertThat(fixture().catalog()).extracting(CatalogItem::itemId)
        .containsExactly("21730", "22632", "84029E", "84029G", "85123A");
    // 85123A: WHITE... 2x (one with a trailing space, trimmed), CREAM... 2x (85123a + double space
    // collapsed): a tie, so the smaller title wins; "damaged"/"check" are not sale rows
    assertThat(cat.get("85123A").title()).isEqualTo("CREAM HANGING HEART T-LIGHT HOLDER");
    assertThat(cat.get("85123A").price()).isEqualTo(2.65); // kept 2.55, 2.95, 2.65 (guest 2.95 not used)
    // 22632: one vote each, the smallest wins
    assertThat(cat.get("22632").title()).isEqualTo("HAND WARMER RED POLKA DOT");
    assertThat(cat.get("22632").price()).isEqualTo(1.95); // median of 1.85 and 2.05
    assertThat(cat.get("84029G").price()).isEqualTo(3.57);
    assertThat(cat.get("21730")).isEqualTo(new CatalogItem("21730", "GLASS STAR FROSTED T-LIGHT HOLDER", 4.25));
  }

  @Test
  void mostFrequentDescriptionWins() throws IOException {
    String csv = HEADER
        + "1,10001,B TITLE,1,2011-01-01 10:00:00,1.0,1.0,UK\n"
        + "2,10001,A TITLE,1,2011-01-01 10:00:00,1.0,1.0,UK\n"
        + "3,10001,B TITLE,1,2011-01-01 10:00:00,1.0,1.0,UK\n";
    assertThat(OnlineRetail.read(new StringReader(csv)).catalog().get(0).title()).isEqualTo("B TITLE");
  }

  @Test
  void readsGzipByMagicBytesWhateverTheName(@TempDir Path dir) throws IOException {
    Path gz = dir.resolve("transactions.csv"); // no .gz suffix on purpose
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(FIXTURE.getBytes(StandardCharsets.UTF_8));
    }
    Path plain = dir.resolve("plain.csv");
    Files.writeString(plain, FIXTURE);
    Dataset a = Datasets.read(gz);
    Dataset b = Datasets.read(plain);
    assertThat(a.format()).isEqualTo(OnlineRetail.FORMAT);
    assertThat(a).isEqualTo(b);
    assertThat(a).isEqualTo(fixture());
    assertThat(OnlineRetail.read(gz)).isEqualTo(a);
  }

  @Test
  void malformedNumbersFailWithTheLine() {
    String csv = HEADER
        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
        + "536365,71053,WHITE METAL LANTERN,six,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n";
    assertThatThrownBy(() -> OnlineRetail.read(new StringReader(csv)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3").hasMessageContaining("six");
  }

  @Test
  void missingColumnIsNamed() {
    assertThatThrownBy(() -> OnlineRetail.read(new StringReader("InvoiceNo,StockCode,Description\n1,2,3\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Quantity");
  }

  @Test
  void userIdsAndProductCodes() {
    assertThat(OnlineRetail.userId("17850.0")).isEqualTo("17850");
    assertThat(OnlineRetail.userId("17850")).isEqualTo("17850");
    assertThat(OnlineRetail.userId(" 12345.00 ")).isEqualTo("12345");
    assertThat(OnlineRetail.userId("1.5")).isEqualTo("1.5");
    assertThat(OnlineRetail.userId("")).isEmpty();
    for (String code : List.of("85123A", "22632", "15056BL", "84029G", "85123a")) {
      assertThat(OnlineRetail.isProductCode(code)).as(code).isTrue();
    }
    for (String code : List.of("POST", "D", "M", "m", "BANK CHARGES", "AMAZONFEE", "DOT", "CRUK", "S", "PADS",
        "B", "DCGSSBOY", "DCGSSGIRL", "C2", "DCGS0076", "gift_0001_40", "1234")) {
      assertThat(OnlineRetail.isProductCode(code)).as(code).isFalse();
    }
  }
}
