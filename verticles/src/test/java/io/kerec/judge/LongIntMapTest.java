package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

  @Test
  void agreesWithHashMapThroughResizes() {
    LongIntMap map = new LongIntMap(4);
    Map<Long, Integer> reference = new HashMap<>();
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      // Structured keys like the pair keys, plus some negatives and zero.
      long key = switch (i % 3) {
        case 0 -> ((long) random.nextInt(300) << 32) | random.nextInt(300);
        case 1 -> -random.nextInt(1000);
        default -> random.nextInt(50);
      };
      int delta = random.nextInt(5) + 1;
      int updated = map.addTo(key, delta);
      int expected = reference.merge(key, delta, Integer::sum);
      assertThat(updated).isEqualTo(expected);
    }
    assertThat(map.size()).isEqualTo(reference.size());
    reference.forEach((k, v) -> assertThat(map.get(k)).as("key %d", k).isEqualTo(v));
    assertThat(map.get(123_456_789_012L)).isZero();
    assertThat(map.containsKey(123_456_789_012L)).isFalse();
    assertThat(map.containsKey(0L)).isTrue();
  }

  @Test
  void putOverwritesAndZeroKeyIsAKey() {
    LongIntMap map = new LongIntMap(0);
    assertThat(map.containsKey(0L)).isFalse();
    map.put(0L, 7);
    map.put(5L, 1);
    map.put(5L, 9);
    assertThat(map.get(0L)).isEqualTo(7);
    assertThat(map.get(5L)).isEqualTo(9);
    assertThat(map.size()).isEqualTo(2);
  }
}
