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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericCsvTest {
  static final String FIXTURE = "user_id,item_id,basket_id,ts,title\n"
      + "u1,sku-1,o-1,2011-01-04T10:00:00Z,\"Teacup, blue\"\n"
      + "u1,sku-2,o-1,2011-01-04T10:00:00Z,Saucer\n"
      + "u2,sku-1,,2011-01-03 09:30:00,Teacup (other title)\n"
      + "u2,sku-3,,2011-01-03 09:30:00,\n"
      + ",sku-1,o-9,2011-01-05T00:00:00Z,\n"
      + "u3,,o-9,2011-01-05T00:00:00Z,\n"
      + "u3,sku-2,o-10,2011-01-05T01:00:00+01:00,\"  Saucer   deluxe \"\n";

  @Test
  void readsPurchasesSortedByTimeStably() throws IOException {
    Dataset ds = GenericCsv.read(new StringReader(FIXTURE));
    assertThat(ds.format()).isEqualTo(GenericCsv.FORMAT);
    assertThat(ds.purchases()).containsExactly(
        new Purchase("u2", "sku-1", "u2@2011-01-03T09:30:00Z", Instant.parse("2011-01-03T09:30:00Z"), 1, 0),
        new Purchase("u2", "sku-3", "u2@2011-01-03T09:30:00Z", Instant.parse("2011-01-03T09:30:00Z"), 1, 0),
        new Purchase("u1", "sku-1", "o-1", Instant.parse("2011-01-04T10:00:00Z"), 1, 0),
        new Purchase("u1", "sku-2", "o-1", Instant.parse("2011-01-04T10:00:00Z"), 1, 0),
        new Purchase("u3", "sku-2", "o-10", Instant.parse("2011-01-05T00:00:00Z"), 1, 0));
    assertThat(ds.counts()).containsEntry("rows", 7L).containsEntry("kept", 5L)
        .containsEntry("dropped.missingUser", 1L).containsEntry("dropped.missingItem", 1L);
  }

  @Test
  void firstNonEmptyTitleInFileOrderWins() throws IOException {
    Dataset ds = GenericCsv.read(new StringReader(FIXTURE));
    assertThat(ds.catalog()).containsExactly(
        new CatalogItem("sku-1", "Teacup, blue", null),
        new CatalogItem("sku-2", "Saucer", null),
        new CatalogItem("sku-3", "sku-3", null)); // never titled: its id
  }

  @Test
  void optionalColumnsInAnyOrder() throws IOException {
    String csv = "TS,Item_ID,user_id,quantity,price,extra\n"
        + "2011-02-01T10:00:00Z,a,u,2,1.5,x\n"
        + "2011-02-02T10:00:00Z,a,u,,2.5,x\n"
        + "2011-02-03T10:00:00Z,a,v,0,9,x\n"
        + "2011-02-03T10:00:00Z,b,v,1,,x\n";
    Dataset ds = GenericCsv.read(new StringReader(csv));
    assertThat(ds.purchases()).extracting(Purchase::quantity).containsExactly(2, 1, 1);
    assertThat(ds.purchases()).extracting(Purchase::unitPrice).containsExactly(1.5, 2.5, 0.0);
    assertThat(ds.catalog()).containsExactly(new CatalogItem("a", "a", 2.0), new CatalogItem("b", "b", null));
    assertThat(ds.counts()).containsEntry("dropped.quantity", 1L);
  }

  @Test
  void badTimestampFailsWithTheLine() {
    String csv = "user_id,item_id,basket_id,ts,title\nu,i,b,2011-01-01T00:00:00Z,\nu,i,b,yesterday,\n";
    assertThatThrownBy(() -> GenericCsv.read(new StringReader(csv)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3").hasMessageContaining("yesterday");
  }

  @Test
  void datasetsPicksTheFormatFromTheHeader(@TempDir Path dir) throws IOException {
    Path gz = dir.resolve("generic.data");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(("\uFEFF" + FIXTURE).getBytes(StandardCharsets.UTF_8));
    }
    Dataset ds = Datasets.read(gz);
    assertThat(ds).isEqualTo(GenericCsv.read(new StringReader(FIXTURE)));

    Path retail = dir.resolve("retail.csv");
    Files.writeString(retail, OnlineRetailTest.FIXTURE);
    assertThat(Datasets.read(retail).format()).isEqualTo(OnlineRetail.FORMAT);

    Path other = dir.resolve("other.csv");
    Files.writeString(other, "a,b,c\n1,2,3\n");
    assertThatThrownBy(() -> Datasets.read(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unrecognized header").hasMessageContaining("a,b,c");

    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> Datasets.read(empty)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
