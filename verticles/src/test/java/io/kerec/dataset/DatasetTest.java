package io.kerec.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {
  static Purchase p(String user, String item, String basket, String ts) {
    return new Purchase(user, item, basket, Instant.parse(ts), 1, 1.0);
  }

  @Test
  void sortsByTimeStably() {
    Dataset ds = new Dataset("generic", List.of(), List.of(
        p("u", "b", "2", "2011-01-02T00:00:00Z"),
        p("u", "a", "1", "2011-01-01T00:00:00Z"),
        p("u", "c", "2", "2011-01-02T00:00:00Z"),
        p("u", "d", "2", "2011-01-02T00:00:00Z")), Map.of());
    assertThat(ds.purchases()).extracting(Purchase::itemId).containsExactly("a", "b", "c", "d");
  }

  @Test
  void splitKeepsTheWholeCatalogOnBothSides() throws IOException {
    Dataset ds = OnlineRetailTest.fixture();
    Instant cut = Instant.parse("2010-12-01T08:28:00Z"); // exactly invoice 536366's time
    Dataset.Split s = ds.splitAt(cut);
    assertThat(s.train().purchases()).extracting(Purchase::basketId).containsOnly("536365").hasSize(2);
    assertThat(s.test().purchases()).extracting(Purchase::basketId).startsWith("536366").hasSize(6);
    assertThat(s.train().catalog()).isEqualTo(ds.catalog());
    assertThat(s.test().catalog()).isEqualTo(ds.catalog());
    assertThat(s.train().counts()).containsEntry("kept", 2L);
    assertThat(s.test().format()).isEqualTo(ds.format());

    assertThat(ds.splitAt(Instant.parse("2000-01-01T00:00:00Z")).train().purchases()).isEmpty();
    assertThat(ds.splitAt(Instant.parse("2100-01-01T00:00:00Z")).test().purchases()).isEmpty();
  }

  @Test
  void eventIdsAreDeterministicAndUnique() throws IOException {
    Dataset ds = OnlineRetailTest.fixture();
    List<String> ids = ds.eventIds();
    assertThat(ids).containsExactly(
        "or-536365-85123A-0", "or-536365-22632-0",
        "or-536366-84029G-0", "or-536366-84029E-0", "or-536366-85123A-0", "or-536366-84029G-1",
        "or-536390-85123A-0", "or-536390-22632-0");
    assertThat(OnlineRetailTest.fixture().eventIds()).isEqualTo(ids);

    // generic ids stay unique even when '-' inside ids makes two (basket, item) pairs spell the same key
    Dataset g = new Dataset(GenericCsv.FORMAT, List.of(), List.of(
        p("u", "b-c", "a", "2011-01-01T00:00:00Z"),
        p("v", "c", "a-b", "2011-01-01T00:00:00Z")), Map.of());
    assertThat(g.eventIds()).containsExactly("csv-a-b-c-0", "csv-a-b-c-1");
    assertThat(new HashSet<>(g.eventIds())).hasSize(2);
  }

  @Test
  void summaryNamesTheSizes() throws IOException {
    Dataset ds = OnlineRetailTest.fixture();
    assertThat(ds.userCount()).isEqualTo(2);
    assertThat(ds.soldItemCount()).isEqualTo(4);
    assertThat(ds.basketCount()).isEqualTo(3);
    assertThat(ds.summary()).contains("8 purchases", "2 users", "3 baskets");
  }

  @Test
  void readsTheEmptyFile() throws IOException {
    Dataset ds = OnlineRetail.read(new StringReader(OnlineRetailTest.HEADER));
    assertThat(ds.purchases()).isEmpty();
    assertThat(ds.catalog()).isEmpty();
    assertThat(ds.summary()).contains("0 purchases");
  }
}
