package io.kerec.graph.recall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TitleIndexTest {
  private static Map<Integer, Double> similar(TitleIndex index, int item) {
    Map<Integer, Double> out = new HashMap<>();
    index.forEachSimilar(item, other -> true, out::put);
    return out;
  }

  @Test
  void cosineOfIdfWeightedWords() {
    TitleIndex index = new TitleIndex();
    index.put(0, "SPACEBOY LUNCH BOX");
    index.put(1, "SPACEBOY MINI BACKPACK");
    index.put(2, "DOLLY GIRL LUNCH BOX");
    index.put(3, "RED RETROSPOT MUG");
    double spaceboy = Math.log(4.0 / 2);
    double lunch = Math.log(4.0 / 2);
    double box = Math.log(4.0 / 2);
    double mini = Math.log(4.0);
    double backpack = Math.log(4.0);
    double norm0 = Math.sqrt(spaceboy * spaceboy + lunch * lunch + box * box);
    double norm1 = Math.sqrt(spaceboy * spaceboy + mini * mini + backpack * backpack);

    Map<Integer, Double> of0 = similar(index, 0);
    assertThat(of0).containsOnlyKeys(1, 2);
    assertThat(of0.get(1)).isCloseTo(spaceboy * spaceboy / (norm0 * norm1), within(1e-9));
    assertThat(of0.get(2)).isGreaterThan(of0.get(1));
    assertThat(similar(index, 3)).isEmpty();
  }

  @Test
  void functionWordsAndWordsOfEveryTitleCountForNothing() {
    TitleIndex index = new TitleIndex();
    index.put(0, "SET OF HEART CANDLES");
    index.put(1, "HEART OF WICKER");
    assertThat(similar(index, 0)).as("\"heart\" is in every title, \"of\" is a function word").isEmpty();
  }

  @Test
  void retitlingReplacesTheWordsAndAdmitFilters() {
    TitleIndex index = new TitleIndex();
    index.put(0, "TEA TOWEL");
    index.put(1, "TEA CUP");
    index.put(2, "DOORMAT");
    index.put(1, "WELCOME DOORMAT");
    assertThat(similar(index, 0)).isEmpty();
    assertThat(similar(index, 2)).containsOnlyKeys(1);
    Map<Integer, Double> none = new HashMap<>();
    index.forEachSimilar(2, other -> other != 1, none::put);
    assertThat(none).isEmpty();
  }
}
